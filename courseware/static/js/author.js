// The course editor's enhancements. Every one has a plain-HTML fallback: the upload form opens
// the images page in a new tab, the ↑ ↓ buttons post and reload the course page.
(function () {
  "use strict";

  function format(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  function postForm(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": window.courseware.csrfToken(), Accept: "application/json" },
      body: data
    });
  }

  // --- images in the lesson editor: upload, then insert where the cursor was -----------------
  var uploadForm = document.getElementById("image-upload");
  var lastText = null;  // the Markdown text area the author was last in, with its selection
  var lastStart = 0;
  var lastEnd = 0;

  function remember(event) {
    var area = event.target;
    if (area && area.tagName === "TEXTAREA" && area.classList.contains("markdown")) {
      lastText = area;
      lastStart = area.selectionStart;
      lastEnd = area.selectionEnd;
    }
  }
  ["focusin", "keyup", "click", "select", "input"].forEach(function (name) {
    document.addEventListener(name, remember);
  });

  function insertAtCursor(markdown) {
    var area = lastText || document.querySelector("textarea.markdown");
    if (!area) { return; }
    var before = area.value.slice(0, lastStart);
    var after = area.value.slice(lastEnd);
    // An image on a line of its own reads as a figure; keep it away from the words around it.
    var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var tail = after && !/^\n/.test(after) ? "\n\n" : "";
    area.value = before + lead + markdown + tail + after;
    var caret = (before + lead + markdown).length;
    area.focus();
    area.setSelectionRange(caret, caret);
    lastText = area;
    lastStart = lastEnd = caret;
    // The live preview and the unsaved-changes warning listen for input.
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function wireInsertButton(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      insertAtCursor(button.getAttribute("data-markdown"));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".insert-image"), wireInsertButton);

  if (uploadForm) {
    var status = document.getElementById("upload-status");
    var fileInput = document.getElementById("image-file");
    var say = function (message, isError) {
      status.textContent = message;
      status.classList.toggle("field-error", Boolean(isError));
    };
    uploadForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = fileInput && fileInput.files[0];
      if (!file) {
        say(uploadForm.getAttribute("data-msg-choose"), true);
        return;
      }
      var limit = Number(uploadForm.getAttribute("data-max-bytes"));
      if (file.size > limit) {
        say(format(uploadForm.getAttribute("data-msg-too-large"),
          { name: file.name, size: (file.size / 1048576).toFixed(1) }), true);
        return;
      }
      say(format(uploadForm.getAttribute("data-msg-uploading"), { name: file.name }), false);
      var data = new FormData(uploadForm);
      postForm(uploadForm.action, data).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (!result.ok) {
          say(result.body.error || uploadForm.getAttribute("data-msg-failed"), true);
          return;
        }
        insertAtCursor(result.body.markdown);
        say(format(uploadForm.getAttribute("data-msg-inserted"), { name: result.body.name }), false);
        fileInput.value = "";
        var list = document.querySelector(".image-panel .media-list");
        if (list) {
          var item = document.createElement("li");
          var img = document.createElement("img");
          img.src = result.body.url;
          img.alt = "";
          img.width = 64;
          var code = document.createElement("code");
          code.textContent = result.body.markdown;
          var button = document.createElement("button");
          button.type = "button";
          button.className = "insert-image outline secondary small";
          button.textContent = uploadForm.getAttribute("data-insert-label");
          button.setAttribute("data-markdown", result.body.markdown);
          item.appendChild(img);
          item.appendChild(code);
          item.appendChild(button);
          list.insertBefore(item, list.firstChild);
          wireInsertButton(button);
        }
      }).catch(function () {
        say(uploadForm.getAttribute("data-msg-failed"), true);
      });
    });
  }

  // --- the outline: ↑ ↓ without a reload, and dragging by the handle -------------------------
  var list = document.querySelector("ol.outline");
  if (!list) { return; }
  var announce = document.getElementById("outline-status");
  var items = function () { return Array.prototype.slice.call(list.children); };

  function setBase(base) {
    list.setAttribute("data-base", base || "");
    Array.prototype.forEach.call(list.querySelectorAll('input[name="base_revision_id"]'),
      function (input) { input.value = base || ""; });
  }

  function refreshButtons() {
    var all = items();
    all.forEach(function (li, index) {
      var up = li.querySelector('button[value="up"]');
      var down = li.querySelector('button[value="down"]');
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === all.length - 1; }
    });
  }

  function said(li) {
    var all = items();
    announce.textContent = format(list.getAttribute("data-msg-moved"), {
      title: li.getAttribute("data-title"), position: all.indexOf(li) + 1, count: all.length
    });
  }

  function failed() {
    announce.textContent = list.getAttribute("data-msg-failed");
    window.setTimeout(function () { window.location.reload(); }, 1500);
  }

  function send(data, onSaved) {
    data.append("base_revision_id", list.getAttribute("data-base"));
    data.append("csrf_token", window.courseware.csrfToken());
    postForm(list.getAttribute("data-reorder-url"), data).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok || !result.body.ok) { failed(); return; }
      setBase(result.body.base);
      onSaved();
    }).catch(failed);
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("outline-move")) { return; }
    event.preventDefault();
    var button = event.submitter;
    if (!button || button.disabled) { return; }
    var li = form.closest("li");
    var up = button.value === "up";
    var data = new FormData();
    data.append("item", li.getAttribute("data-key"));
    data.append("direction", button.value);
    send(data, function () {
      if (up && li.previousElementSibling) {
        list.insertBefore(li, li.previousElementSibling);
      } else if (!up && li.nextElementSibling) {
        list.insertBefore(li.nextElementSibling, li);
      }
      refreshButtons();
      // Focus stays on the button pressed; at an end it moves to the other one.
      (button.disabled ? li.querySelector('button[value="' + (up ? "down" : "up") + '"]') : button).focus();
      said(li);
    });
  });

  // Dragging: the handle appears only with script; the buttons remain for the keyboard.
  var dragged = null;
  items().forEach(function (li) {
    var handle = li.querySelector(".drag-handle");
    if (handle) { handle.hidden = false; }
    li.setAttribute("draggable", "true");
  });
  var orderBefore = "";
  var order = function () {
    return items().map(function (item) { return item.getAttribute("data-key"); }).join(",");
  };
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest && event.target.closest("li");
    if (!dragged) { return; }
    orderBefore = order();
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-key"));
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var over = event.target.closest && event.target.closest("li");
    if (!over || over === dragged) { return; }
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextElementSibling : over);
  });
  list.addEventListener("drop", function (event) { event.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) { return; }
    var li = dragged;
    dragged = null;
    li.classList.remove("dragging");
    if (order() === orderBefore) { return; }
    var data = new FormData();
    data.append("order", order());
    send(data, function () { refreshButtons(); said(li); });
  });
})();
