// Count the characters of a post as the reader types, against the microblog's limit.
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.hasAttribute || !box.hasAttribute("data-limit")) { return; }
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    var counter = document.getElementById(box.getAttribute("aria-describedby"));
    if (!counter) { return; }
    var used = Array.from(box.value.trim()).length;
    counter.textContent = used + " / " + limit;
    counter.classList.toggle("over", used > limit);
  });
})();
