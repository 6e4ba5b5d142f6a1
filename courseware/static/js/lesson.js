// Reading heartbeat: count the seconds the lesson is visible and report them every few seconds,
// with whether the end was reached and how far down the page the reader is.
(function () {
  "use strict";
  var article = document.getElementById("lesson-end");
  if (!article) { return; }
  var lesson = Number(article.getAttribute("data-lesson"));
  var revision = Number(article.getAttribute("data-revision"));
  var visit = null;  // opened by the first heartbeat
  var url = article.getAttribute("data-beat-url");
  var every = Number(article.getAttribute("data-beat-seconds")) || 15;
  var status = document.getElementById("lesson-status");
  var unsent = 0;
  var reachedEnd = false;
  var completed = false;

  function position() {
    var room = document.documentElement.scrollHeight - window.innerHeight;
    return room > 0 ? Math.min(1, Math.max(0, window.scrollY / room)) : 1;
  }

  function send() {
    var seconds = unsent;
    unsent = 0;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": window.courseware.csrfToken() },
      body: JSON.stringify({
        visit: visit, lesson: lesson, revision: revision,
        seconds: seconds, reached_end: reachedEnd, position: position()
      })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      visit = data.visit;
      if (data.status === "completed" && !completed) {
        completed = true;
        status.textContent = status.getAttribute("data-done-text");
      }
    }).catch(function () {
      // Keep the time for the next beat rather than lose it.
      unsent += seconds;
      status.textContent = status.getAttribute("data-offline-text");
    });
  }

  // Resume where the reader left off.
  var resumeAt = Number(article.getAttribute("data-position"));
  if (resumeAt > 0.02 && resumeAt < 0.98 && !window.location.hash) {
    window.addEventListener("load", function () {
      var room = document.documentElement.scrollHeight - window.innerHeight;
      window.scrollTo(0, room * resumeAt);
    });
  }

  var end = document.getElementById("lesson-end");
  if ("IntersectionObserver" in window && end) {
    new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && !reachedEnd) {
          reachedEnd = true;
          send();
        }
      });
    }).observe(end);
  }

  var sinceBeat = 0;
  window.setInterval(function () {
    if (document.visibilityState !== "visible") { return; }
    unsent += 1;
    sinceBeat += 1;
    if (sinceBeat >= every) {
      sinceBeat = 0;
      send();
    }
  }, 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && unsent > 0) { send(); }
  });
  send();
})();
