// The live quiz and the questions from the room:
// - countdowns ([data-countdown], seconds left when drawn) tick between polls; a screen reader
//   hears the time left at a few thresholds and when time is up, not every second;
// - a poll waits while the learner types in the region it would replace ([data-pause-while-typing]);
// - after a swap the focus goes back to the input that had it;
// - a new question from the room is announced politely;
// - on the projector, approved comments cross the screen (still, when motion is reduced).
(function () {
  "use strict";
  var THRESHOLDS = [30, 10, 5];
  var lastLeft = {};

  function announce(message) {
    var region = document.getElementById("live-announcer");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = message; }, 50);
    }
  }

  function crossed(key, left) {
    var region = document.getElementById("live-announcer");
    var before = lastLeft[key];
    lastLeft[key] = left;
    if (!region || before === undefined || left >= before) { return; }
    if (left === 0) {
      announce(region.getAttribute("data-time-up"));
      return;
    }
    THRESHOLDS.forEach(function (mark) {
      if (before > mark && left <= mark) {
        announce(region.getAttribute("data-left-" + mark));
      }
    });
  }

  function startCountdowns(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-countdown]"), function (el) {
      if (el.getAttribute("data-started")) { return; }
      el.setAttribute("data-started", "1");
      var end = Date.now() + parseInt(el.getAttribute("data-countdown"), 10) * 1000;
      var out = el.querySelector("[data-countdown-text]") || el;
      var key = el.getAttribute("data-countdown-key") || "";
      var timer = null;
      function tick() {
        if (!document.body.contains(el)) { window.clearInterval(timer); return; }
        var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
        out.textContent = String(left);
        crossed(key, left);
        if (left === 0) {
          window.clearInterval(timer);
          var form = el.closest("form");
          if (form) {
            Array.prototype.forEach.call(form.querySelectorAll("input, select, textarea, button"), function (input) {
              if (input.type !== "hidden") { input.disabled = true; }
            });
          }
        }
      }
      timer = window.setInterval(tick, 1000);
      tick();
    });
  }

  function typingIn(region) {
    var active = document.activeElement;
    if (active && region.contains(active) && /^(TEXTAREA)$|^INPUT$/.test(active.tagName) &&
        !/^(radio|checkbox|submit|button)$/.test(active.type)) {
      return true;
    }
    return Array.prototype.some.call(region.querySelectorAll("input[type=text], textarea"), function (input) {
      return input.value !== input.defaultValue;
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-pause-while-typing") &&
        event.detail.requestConfig && event.detail.requestConfig.verb === "get" && typingIn(elt)) {
      event.preventDefault();
    }
  });

  var focused = null;
  function knownQuestions(root) {
    return Array.prototype.map.call(root.querySelectorAll("[data-post]"), function (li) {
      return li.getAttribute("data-post");
    });
  }
  var seenQuestions = null;

  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    focused = active && active.name ? { name: active.name, value: active.value, type: active.type } : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    startCountdowns(document);
    if (focused) {
      var selector = "[name='" + focused.name + "']";
      if (focused.type === "radio" || focused.type === "checkbox") {
        selector += "[value='" + focused.value + "']";
      }
      var again = document.querySelector(selector);
      if (again && document.activeElement !== again) { again.focus(); }
      focused = null;
    }
    var list = document.getElementById("room-questions");
    if (list) {
      var now = knownQuestions(list);
      if (seenQuestions) {
        var fresh = now.filter(function (id) { return seenQuestions.indexOf(id) < 0; });
        var region = document.getElementById("room-announcer");
        if (fresh.length && region) {
          var item = list.querySelector("[data-post='" + fresh[0] + "'] .rq-text");
          region.textContent = list.getAttribute("data-announce-new") + " " + (item ? item.textContent : "");
        }
      }
      seenQuestions = now;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    startCountdowns(document);
    var list = document.getElementById("room-questions");
    if (list) { seenQuestions = knownQuestions(list); }
    var lane = document.querySelector("[data-bullets]");
    if (!lane) { return; }
    var shown = {};
    var row = 0;
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    function show(item) {
      var bullet = document.createElement("p");
      bullet.className = "bullet";
      bullet.textContent = item.text;
      if (!still) {
        bullet.style.top = (row * 25) + "%";
        row = (row + 1) % 4;
      } else {
        while (lane.children.length >= 4) { lane.removeChild(lane.firstChild); }
      }
      lane.appendChild(bullet);
      window.setTimeout(function () {
        if (bullet.parentNode) { bullet.parentNode.removeChild(bullet); }
      }, 13000);
    }
    function poll() {
      window.fetch(lane.getAttribute("data-bullets"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) {
          items.forEach(function (item) {
            if (!shown[item.id]) {
              shown[item.id] = true;
              show(item);
            }
          });
        })
        .catch(function () {});
    }
    poll();
    window.setInterval(poll, 3000);
  });
})();
