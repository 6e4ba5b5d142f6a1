// The attempt page: save every change on the server, keep unsent answers on this device, and
// count down by the server's clock. Without this script the page's buttons still save and hand in.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) {
    return;
  }
  var state = document.getElementById("save-state");
  var countdown = document.getElementById("countdown");
  var sequenceInput = form.querySelector('input[name="sequence"]');
  var saveUrl = form.getAttribute("data-save-url");
  var storageKey = "courseware-attempt-" + form.getAttribute("data-attempt");
  var saved = parseInt(sequenceInput.getAttribute("data-saved-sequence"), 10) || 0;
  var sent = saved;          // the highest sequence number sent so far
  var inFlight = false;
  var dirty = false;         // changed since the last save was sent
  var stopped = false;       // refused for good: stale window or handed in
  var retryDelay = 2000;
  var retryTimer = null;
  var typingTimer = null;
  var endAt = null;
  // Screen readers hear the time left at these thresholds (seconds), each once, as it is crossed.
  var warning = document.getElementById("time-warning");
  var warnings = [300, 60];
  var warned = null;         // the smallest threshold already passed or said
  var clockShown = false;

  function say(kind, text) {
    state.textContent = text || state.getAttribute("data-" + kind);
    state.className = "save-" + kind;
  }

  function fields() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "sequence") {
        pairs.push([name, value]);
      }
    });
    return pairs;
  }

  function keepLocally() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ base: saved, fields: fields() }));
    } catch (e) { /* private mode or full: the server copy still counts */ }
  }

  function forgetLocally() {
    try { localStorage.removeItem(storageKey); } catch (e) { /* nothing kept */ }
  }

  // Answers typed before a reload that never reached the server are put back and sent, as long
  // as nothing newer was saved meanwhile (from another device or window).
  function restoreLocal() {
    var kept;
    try { kept = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { kept = null; }
    if (!kept || kept.base !== saved) {
      forgetLocally();
      return false;
    }
    var values = {};
    kept.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "sequence") { return; }
      var given = values[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = given.indexOf(el.value) !== -1;
      } else {
        el.value = given.length ? given[0] : "";
      }
    });
    return true;
  }

  // Answers the server cannot grade as typed (a number it cannot read) are flagged beside their
  // question before hand-in; they stay saved as typed.
  function showProblems(problems) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-problem-for]"), function (el) {
      var message = (problems || {})[el.getAttribute("data-problem-for")] || "";
      el.textContent = message;
      el.hidden = !message;
    });
  }

  function syncClock(remaining) {
    if (remaining === null || remaining === undefined || !countdown) { return; }
    endAt = Date.now() + remaining * 1000;
  }

  function warnAt(left) {
    if (!warning) { return; }
    var crossed = null;
    warnings.forEach(function (threshold) {
      if (left <= threshold && (warned === null || threshold < warned)) { crossed = threshold; }
    });
    if (crossed === null) { return; }
    // A page opened with less time left than a threshold says nothing of it: the clock shows it.
    if (clockShown) {
      warning.textContent = warning.getAttribute("data-warn-" + crossed);
    }
    warned = crossed;
  }

  function showClock() {
    if (!countdown || endAt === null) { return; }
    var left = Math.max(0, Math.round((endAt - Date.now()) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    countdown.textContent = countdown.getAttribute("data-label-prefix") + " " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    countdown.classList.toggle("urgent", left <= 60);
    warnAt(left);
    clockShown = true;
    if (left === 0 && !stopped) {
      stopped = true;
      say("timeup");
      // The server hands the attempt in with what it has; send the last answers with it.
      sequenceInput.value = sent + 1;
      HTMLFormElement.prototype.submit.call(form);
    }
  }

  function save() {
    if (stopped) { return; }
    if (inFlight) { dirty = true; return; }
    dirty = false;
    inFlight = true;
    sent += 1;
    sequenceInput.value = sent + 1;
    var body = new FormData(form);
    body.set("sequence", String(sent));
    say("saving");
    fetch(saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": window.courseware.csrfToken() }
    }).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, data: data, retryAfter: response.headers.get("Retry-After") };
      });
    }).then(function (reply) {
      inFlight = false;
      if (reply.status === 200 && reply.data.ok) {
        saved = reply.data.sequence;
        retryDelay = 2000;
        syncClock(reply.data.remaining);
        showProblems(reply.data.problems);
        if (dirty) { keepLocally(); window.clearTimeout(typingTimer); save(); return; }
        forgetLocally();
        say("saved", reply.data.message);
        return;
      }
      if (reply.status === 409 || reply.status === 410) {
        stopped = true;
        say("refused", reply.data.message);
        state.setAttribute("role", "alert");
        if (reply.status === 410 && reply.data.result) {
          window.setTimeout(function () { window.location.assign(reply.data.result); }, 4000);
        }
        return;
      }
      if (reply.status === 503) {
        // The database is busy: the answers stay here and go again after the server's pause.
        inFlight = false;
        dirty = true;
        keepLocally();
        say("busy");
        window.clearTimeout(retryTimer);
        retryTimer = window.setTimeout(save, 1000 * (parseInt(reply.retryAfter, 10) || 2));
        return;
      }
      throw new Error("server " + reply.status);
    }).catch(function () {
      // No connection or a server error: the answers stay on this device and go again later.
      // The save may have reached the server with only its reply lost: never send its number
      // again with other answers, or the server would refuse them as coming from another window.
      inFlight = false;
      dirty = true;
      keepLocally();
      say("offline");
      window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(save, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  function changed(event) {
    if (stopped) { return; }
    dirty = true;              // a save now in flight does not carry this change
    keepLocally();
    say("unsaved");
    window.clearTimeout(typingTimer);
    // Typing is saved after a short pause; clicks and choices at once.
    var delay = event.type === "input" && /text|textarea/.test(event.target.type) ? 800 : 0;
    typingTimer = window.setTimeout(save, delay);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", function () { if (dirty) { save(); } });
  form.addEventListener("submit", function () {
    // The hand-in carries every answer; its number is above any save still on its way.
    sequenceInput.value = sent + 1;
  });

  if (countdown) {
    countdown.setAttribute("data-label-prefix", countdown.getAttribute("data-label"));
    syncClock(parseInt(countdown.getAttribute("data-remaining"), 10));
    showClock();
    window.setInterval(showClock, 1000);
  }
  if (restoreLocal()) {
    save();
  }
})();
