// The scenario editor: line numbers beside the YAML text, problems that move the cursor to their
// line, and the line the cursor is on. Without this script the text and the problems still show.
(function () {
  "use strict";

  var box = document.getElementById("text");
  var gutter = document.querySelector(".code-editor .code-gutter");
  if (!box || !gutter) { return; }
  var problemLines = (box.getAttribute("data-problem-lines") || "").split(" ").filter(Boolean)
    .map(function (n) { return parseInt(n, 10); });
  var position = document.querySelector(".code-position span");
  var shown = -1;

  function drawGutter() {
    var count = box.value.split("\n").length;
    if (count === shown) { return; }
    shown = count;
    gutter.textContent = "";
    for (var n = 1; n <= count; n++) {
      var line = document.createElement("span");
      line.textContent = n;
      if (problemLines.indexOf(n) !== -1) { line.className = "has-problem"; }
      gutter.appendChild(line);
      gutter.appendChild(document.createTextNode("\n"));
    }
    gutter.scrollTop = box.scrollTop;
  }

  function lineOf(offset) {
    return box.value.slice(0, offset).split("\n").length;
  }

  function showPosition() {
    if (position) {
      position.textContent = position.getAttribute("data-line-label") + " " + lineOf(box.selectionStart);
    }
  }

  // Put the cursor at the start of a line and bring that line into view.
  function goToLine(number) {
    var lines = box.value.split("\n");
    var target = Math.max(1, Math.min(number, lines.length));
    var offset = 0;
    for (var i = 0; i < target - 1; i++) { offset += lines[i].length + 1; }
    box.focus();
    box.setSelectionRange(offset, offset + lines[target - 1].length);
    var lineHeight = parseFloat(getComputedStyle(box).lineHeight) || 20;
    box.scrollTop = Math.max(0, (target - 3) * lineHeight);
    gutter.scrollTop = box.scrollTop;
    showPosition();
  }

  box.addEventListener("input", drawGutter);
  box.addEventListener("scroll", function () { gutter.scrollTop = box.scrollTop; });
  ["keyup", "click", "select"].forEach(function (name) { box.addEventListener(name, showPosition); });
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".problem-link");
    if (link) { goToLine(parseInt(link.getAttribute("data-line"), 10)); }
  });
  drawGutter();
})();
