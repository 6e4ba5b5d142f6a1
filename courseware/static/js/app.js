// Send the CSRF token with every htmx and fetch request that changes something.
(function () {
  "use strict";
  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = token();
  });
  window.courseware = { csrfToken: token };
  // On a phone a signed-in user's menu folds behind its "Menu" button (app.css); without this
  // script the button stays hidden and the whole list shows.
  var toggle = document.querySelector("header .nav-toggle");
  if (toggle) {
    var nav = toggle.closest("nav");
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("nav-open", open);
    };
    nav.classList.add("nav-folding");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }
  // Forms marked data-warn-unsaved (the lesson editor) ask before the page is left with changes
  // typed but not sent; sending the form itself is no loss.
  var unsaved = null;
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) {
      unsaved = form;
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target === unsaved) {
      unsaved = null;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Buttons marked data-confirm ask before submitting their form; forms marked data-busy show
  // a progress bar and refuse a second submission while the server works.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-busy")) {
      if (form.getAttribute("data-busy") === "on") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-busy", "on");
      var busy = form.querySelector(".busy");
      if (busy) {
        busy.hidden = false;
      }
      if (button) {
        button.setAttribute("aria-disabled", "true");
      }
      // A form answered by a download leaves the page where it is: it may be sent again later.
      var seconds = Number(form.getAttribute("data-busy-seconds"));
      if (seconds > 0) {
        window.setTimeout(function () {
          form.setAttribute("data-busy", "");
          if (busy) {
            busy.hidden = true;
          }
          if (button) {
            button.removeAttribute("aria-disabled");
          }
        }, seconds * 1000);
      }
    }
  });
})();
