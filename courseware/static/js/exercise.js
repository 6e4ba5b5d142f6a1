// Count the characters of a post as the reader types, against the microblog's limit, and say in
// words (in the page's language, from the server) when the post is longer than a microblog allows.
(function () {
  "use strict";

  function update(box) {
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    var counter = document.getElementById(box.getAttribute("data-counter"));
    var warning = document.getElementById(box.getAttribute("data-warning"));
    if (!counter) { return; }
    // Characters as the server counts them: code points, without the surrounding space.
    var used = Array.from(box.value.trim()).length;
    var over = used > limit;
    counter.textContent = used + " / " + limit;
    counter.classList.toggle("over", over);
    // The warning is a polite live region: change it only when the post crosses the limit, so a
    // screen reader says it once rather than at every key.
    if (warning && (warning.textContent !== "") !== over) {
      warning.textContent = over ? warning.getAttribute("data-message") : "";
    }
  }

  // The server's reason for refusing a post was about the text it was sent: once the learner edits
  // the text, the box is no longer marked wrong and the reason goes.
  function clearRefusal(box) {
    var error = document.getElementById(box.getAttribute("data-error"));
    if (error) { error.remove(); }
    var described = (box.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== box.getAttribute("data-error");
    });
    if (described.length) {
      box.setAttribute("aria-describedby", described.join(" "));
    } else {
      box.removeAttribute("aria-describedby");
    }
    box.removeAttribute("aria-invalid");
    box.removeAttribute("data-error");
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.hasAttribute) { return; }
    if (box.hasAttribute("data-error")) { clearRefusal(box); }
    if (box.hasAttribute("data-limit")) { update(box); }
  });
  // A live run's board is replaced every few seconds: each new message in the timeline and each
  // new decision is said once through a polite live region outside the board.
  var news = document.getElementById("board-news");
  var board = document.getElementById("board");
  function arrivals() {
    var said = [];
    Array.prototype.forEach.call(
      board.querySelectorAll("#feed .feed-item[class*='channel-'], .decision h2"),
      function (item) {
        if (item.tagName === "H2") {
          said.push(item.textContent.trim());
          return;
        }
        var who = item.querySelector(".feed-meta strong");
        var words = item.querySelectorAll("p")[1];
        said.push((who ? who.textContent.trim() + ": " : "") + (words ? words.textContent.trim() : ""));
      }
    );
    return said;
  }
  if (news && board) {
    var known = arrivals();
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== board) { return; }
      var now = arrivals();
      var fresh = now.filter(function (text) { return known.indexOf(text) === -1; });
      known = now;
      if (fresh.length) {
        news.textContent = news.getAttribute("data-prefix") + " " + fresh.join(" · ");
      }
    });
  }

  // A post given back by the server (or kept by the browser on going back) is counted at once.
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-limit]"), function (box) {
    if (box.value.trim() !== "") { update(box); }
  });
})();
