// The instructor's class session page polls its board; a poll waits while a correction is being
// typed there, so the swap does not take the words or the focus away.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var board = event.detail.elt;
    if (!board || !board.hasAttribute || !board.hasAttribute("data-pause-while-editing")) { return; }
    var active = document.activeElement;
    if (active && board.contains(active) && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(active.tagName)) {
      event.preventDefault();
      return;
    }
    var typed = Array.prototype.some.call(board.querySelectorAll("input[name=reason]"), function (input) {
      return input.value !== "";
    });
    if (typed) { event.preventDefault(); }
  });
})();
