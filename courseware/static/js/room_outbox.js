// The classroom on a phone with flaky Wi-Fi: a check-in, a live-quiz answer or a post
// (forms marked data-outbox="key") is kept on this device (localStorage) until the server has it,
// and sent again when the connection returns ("online", and a retry with a growing pause), as the
// quiz attempt page keeps its unsent answers. Nothing is lost and nothing doubles: a check-in
// counts once, the same answer again changes nothing and the same post is kept once on the server.
// One entry per key: a newer answer to the same question replaces the kept one.
// Without this script the forms post as plain forms.
(function () {
  "use strict";
  var STORE = "courseware-room-outbox";
  var sending = {};
  var retryDelay = 2000;
  var retryTimer = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { return {}; }
  }

  function keep(box) {
    try { localStorage.setItem(STORE, JSON.stringify(box)); } catch (e) { /* private mode: sent now or not at all */ }
  }

  function state(kind) {
    var region = document.getElementById("outbox-state");
    if (!region) { return; }
    region.textContent = kind ? region.getAttribute("data-" + kind) : "";
    region.hidden = !kind;
  }

  function fieldsOf(form, submitter) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token") { pairs.push([name, value]); }
    });
    if (submitter && submitter.name) { pairs.push([submitter.name, submitter.value]); }
    return pairs;
  }

  function pending() {
    return Object.keys(load()).length > 0;
  }

  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(sendAll, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  // What the server answered reaches the page: a live-quiz answer swaps the live part (as htmx
  // would); a check-in or a post goes where the server sends it (its message waits there), or,
  // refused, is sent once more by the form itself so the page shows why. One kept from before,
  // once delivered, leaves the page as it is (its polls show the news) unless it is the check-in
  // this page still asks for; refused, its reason is said in the outbox's place.
  function delivered(item, response, html, fromThisPage, form) {
    if (item.swap) {
      if (!response.ok && response.status !== 409) { return; }
      var old = document.getElementById(item.swap);
      if (old && html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.firstElementChild;
        if (fresh) {
          old.parentNode.replaceChild(fresh, old);
          if (window.htmx) { window.htmx.process(fresh); }
          document.dispatchEvent(new CustomEvent("htmx:afterSettle", { detail: { elt: fresh } }));
        }
      }
      return;
    }
    var location = response.headers.get("X-Outbox-Location");
    if (location) {
      if (fromThisPage || (item.kind === "checkin" && document.querySelector("[data-outbox^='checkin']"))) {
        go(location);
      }
      return;
    }
    if (fromThisPage && form && document.body.contains(form)) {
      HTMLFormElement.prototype.submit.call(form);
      return;
    }
    var reason = new DOMParser().parseFromString(html, "text/html").querySelector(".field-error, .flash-error");
    var region = document.getElementById("outbox-state");
    if (reason && region) {
      region.textContent = reason.textContent.trim();
      region.hidden = false;
    }
  }

  // Going to the same page with another fragment would only scroll: load it again instead.
  function go(location) {
    var target = new URL(location, window.location.href);
    var here = new URL(window.location.href);
    if (target.pathname + target.search === here.pathname + here.search) {
      window.history.replaceState(null, "", target.href);
      window.location.reload();
    } else {
      window.location.assign(target.href);
    }
  }

  function send(key, fromThisPage, form) {
    var item = load()[key];
    if (!item || sending[key]) { return; }
    sending[key] = true;
    var body = new FormData();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("csrf_token", window.courseware.csrfToken());
    if (item.tries > 0 || !fromThisPage) { body.append("resent", "1"); }
    var headers = { "X-CSRFToken": window.courseware.csrfToken(), "X-Outbox": "1" };
    if (item.swap) { headers["HX-Request"] = "true"; }
    fetch(item.url, { method: "POST", body: body, credentials: "same-origin", headers: headers })
      .then(function (response) {
        if (response.status >= 500 || response.status === 429) { throw new Error("server " + response.status); }
        return response.text().then(function (html) {
          sending[key] = false;
          // Accepted, or refused for good (a closed question): either way it leaves the phone,
          // unless a newer entry took its key meanwhile.
          var box = load();
          if (box[key] && box[key].id === item.id) { delete box[key]; keep(box); }
          retryDelay = 2000;
          state(pending() ? "kept" : (fromThisPage ? "" : "sent"));
          delivered(item, response, html, fromThisPage, form);
          if (load()[key]) { send(key, true); }
        });
      })
      .catch(function () {
        sending[key] = false;
        var box = load();
        if (box[key]) { box[key].tries = (box[key].tries || 0) + 1; keep(box); }
        state("kept");
        scheduleRetry();
      });
  }

  function sendAll() {
    Object.keys(load()).forEach(function (key) { send(key, false); });
  }

  function take(event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-outbox")) { return; }
    if (event.type === "change" && !form.hasAttribute("data-outbox-on-change")) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var key = form.getAttribute("data-outbox");
    var kind = key.split("-")[0];
    if (kind === "post") { key += "-" + Date.now(); }
    var box = load();
    box[key] = {
      id: String(Date.now()) + Math.random(),
      kind: kind,
      url: form.getAttribute("action"),
      swap: form.getAttribute("data-outbox-swap") || "",
      fields: fieldsOf(form, event.submitter),
      tries: 0
    };
    keep(box);
    send(key, true, form);
  }

  // Capturing on the document runs before htmx's own handlers on the form.
  document.addEventListener("submit", take, true);
  document.addEventListener("change", function (event) {
    var form = event.target && event.target.form;
    if (form && form.hasAttribute("data-outbox") && form.hasAttribute("data-outbox-on-change")) {
      event.stopImmediatePropagation();
      take({
        target: form,
        type: "change",
        preventDefault: function () {},
        stopImmediatePropagation: function () {}
      });
    }
  }, true);
  window.addEventListener("online", function () { retryDelay = 2000; sendAll(); });
  document.addEventListener("DOMContentLoaded", function () {
    if (pending()) { state("kept"); sendAll(); }
  });
})();
