// Reading heartbeat: count the seconds the lesson is visible while the reader acts on it (a scroll,
// a key, a pointer or a touch in the last two minutes) and report them every few seconds, with
// whether the end was reached, how far down the page the reader is, how long ago they last acted
// and how many of the lesson's questions they have scrolled to. The server credits no more than
// the time since the previous beat, whatever the page says.
// The questions inside the lesson (随堂测验) are placeholders in the page every reader shares;
// each one asks for its reader's own state with a request of its own.
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
  var doneBox = document.getElementById("lesson-done");
  var ACTIVE_WINDOW = 120;  // seconds an act keeps the reader counted as reading
  var unsent = 0;
  var reachedEnd = false;
  var completed = false;
  var lastAct = Date.now();
  var idleShown = false;
  var lessonBox = document.getElementById("lesson");
  var checks = Array.prototype.slice.call(document.querySelectorAll(".lesson-body .lesson-check[id^='check-']"));
  var checksSeen = 0;

  function idleSeconds() { return Math.max(0, (Date.now() - lastAct) / 1000); }

  ["scroll", "keydown", "pointerdown", "pointermove", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, function () {
      lastAct = Date.now();
      if (idleShown && !completed) {
        idleShown = false;
        status.textContent = "";
      }
    }, { passive: true, capture: true });
  });

  function position() {
    var room = document.documentElement.scrollHeight - window.innerHeight;
    return room > 0 ? Math.min(1, Math.max(0, window.scrollY / room)) : 1;
  }

  function showDone(html) {
    if (html && doneBox) { doneBox.innerHTML = html; }
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
        seconds: seconds, reached_end: reachedEnd, position: position(),
        idle: Math.round(idleSeconds()), checks_seen: checksSeen
      })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      var first = visit === null;
      visit = data.visit;
      if (first) { loadChecks(); }
      if (data.status === "completed" && !completed) {
        completed = true;
        status.textContent = status.getAttribute("data-done-text");
      }
      showDone(data.done_html);
    }).catch(function () {
      // Keep the time for the next beat rather than lose it.
      unsent += seconds;
      status.textContent = status.getAttribute("data-offline-text");
    });
  }

  // Each check's state for this reader, once the visit is known (tries are counted per visit).
  function loadChecks() {
    var base = lessonBox.getAttribute("data-checks-url");
    checks.forEach(function (box) {
      var index = box.id.slice("check-".length);
      box.setAttribute("aria-busy", "true");
      box.textContent = lessonBox.getAttribute("data-check-loading-text");
      fetch(base + index + "?visit=" + encodeURIComponent(visit || ""), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        }).then(function (html) {
          box.innerHTML = html;
          box.removeAttribute("aria-busy");
          if (window.htmx) { window.htmx.process(box); }
        }).catch(function () {
          box.removeAttribute("aria-busy");
          box.textContent = lessonBox.getAttribute("data-check-offline-text");
        });
    });
  }

  // An answer carries the visit it was given in; one that completes the lesson says so below.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.target.closest && event.target.closest(".lesson-check")) {
      event.detail.parameters.visit = visit || "";
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.target.closest && event.target.closest(".lesson-check");
    if (box && box.querySelector(".lesson-done") && !completed) {
      completed = true;
      status.textContent = status.getAttribute("data-done-text");
    }
  });

  // Resume where the reader left off.
  var resumeAt = Number(article.getAttribute("data-position"));
  if (resumeAt > 0.02 && resumeAt < 0.98 && !window.location.hash) {
    window.addEventListener("load", function () {
      var room = document.documentElement.scrollHeight - window.innerHeight;
      window.scrollTo(0, room * resumeAt);
    });
  }

  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && !reachedEnd) {
          reachedEnd = true;
          checksSeen = checks.length;
          send();
        }
      });
    }).observe(article);
    var checkObserver = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          checksSeen = Math.max(checksSeen, checks.indexOf(entry.target) + 1);
        }
      });
    });
    checks.forEach(function (box) { checkObserver.observe(box); });
  }

  var sinceBeat = 0;
  window.setInterval(function () {
    if (document.visibilityState !== "visible") { return; }
    if (idleSeconds() <= ACTIVE_WINDOW) {
      unsent += 1;
    } else if (!idleShown && !completed) {
      idleShown = true;
      status.textContent = lessonBox.getAttribute("data-idle-text");
    }
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
