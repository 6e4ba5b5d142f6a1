// The quiz builder's enhancements. Without script the search reloads the page and the ↑ ↓
// buttons post the form back reordered; with it, neither leaves the page, so nothing typed is lost.
(function () {
  "use strict";
  var status = document.getElementById("builder-status");
  var picker = document.querySelector(".question-picker");
  var search = document.getElementById("question-search");
  var searchForm = document.getElementById("search-form");
  var draws = document.getElementById("draws");

  function format(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  function say(message) {
    if (status) { status.textContent = message; }
  }

  // A move is a change not yet saved: leaving the page asks first, as after typing.
  function changed(field) {
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // --- the search: the bank's answer shows and hides the questions; ticked ones always show ---
  var asked = 0;
  function find() {
    var words = search.value;
    var number = ++asked;
    var url = search.getAttribute("data-find-url") + "?q=" + encodeURIComponent(words);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (body) {
        if (number !== asked) { return; }  // a later search already answered
        var found = {};
        body.names.forEach(function (name) { found[name] = true; });
        Array.prototype.forEach.call(picker.children, function (li) {
          var ticked = li.querySelector('input[type="checkbox"]').checked;
          li.hidden = !(ticked || !words.trim() || found[li.getAttribute("data-name")]);
        });
        say(body.status);
      })
      .catch(function () { searchForm.submit(); });  // the plain search still works
  }

  if (search && picker && searchForm) {
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      find();
    });
    var typing = null;
    search.addEventListener("input", function () {
      window.clearTimeout(typing);
      typing = window.setTimeout(find, 300);
    });
  }

  // --- ticked questions: first, in order, each with ↑ ↓ -------------------------------------
  function tickedItems() {
    return Array.prototype.filter.call(picker.children, function (li) {
      return li.querySelector('input[type="checkbox"]').checked;
    });
  }

  function refreshQuestions() {
    var ticked = tickedItems();
    Array.prototype.forEach.call(picker.children, function (li) {
      var index = ticked.indexOf(li);
      li.querySelector(".move-buttons").hidden = index < 0;
      li.querySelector('button[value$=":up"]').disabled = index <= 0;
      li.querySelector('button[value$=":down"]').disabled = index < 0 || index === ticked.length - 1;
    });
  }

  if (picker) {
    picker.addEventListener("change", function (event) {
      if (event.target.type !== "checkbox") { return; }
      var li = event.target.closest("li");
      var ticked = tickedItems().filter(function (item) { return item !== li; });
      // A newly ticked question goes after the others ticked; an unticked one after them all.
      var last = ticked[ticked.length - 1];
      picker.insertBefore(li, last ? last.nextElementSibling : picker.firstElementChild);
      event.target.focus();
      refreshQuestions();
    });
    picker.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=move]");
      if (!button) { return; }
      event.preventDefault();
      var li = button.closest("li");
      var up = /:up$/.test(button.value);
      var ticked = tickedItems();
      var index = ticked.indexOf(li);
      if (up && index > 0) {
        picker.insertBefore(li, ticked[index - 1]);
      } else if (!up && index >= 0 && index < ticked.length - 1) {
        picker.insertBefore(ticked[index + 1], li);
      }
      refreshQuestions();
      changed(li.querySelector('input[type="checkbox"]'));
      // Focus stays on the button pressed; at an end it moves to the other one.
      (button.disabled ? li.querySelector('button[value$=":' + (up ? "down" : "up") + '"]') : button).focus();
      ticked = tickedItems();
      say(format(picker.getAttribute("data-msg-moved"), {
        title: li.getAttribute("data-title"), position: ticked.indexOf(li) + 1, count: ticked.length
      }));
    });
  }

  // --- draws: the rows keep their places and labels; their choices change places ------------
  if (draws) {
    draws.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=move]");
      if (!button) { return; }
      event.preventDefault();
      var rows = Array.prototype.slice.call(draws.querySelectorAll(".draw-row"));
      var row = button.closest(".draw-row");
      var up = /:up$/.test(button.value);
      var index = rows.indexOf(row);
      var other = rows[index + (up ? -1 : 1)];
      if (!other) { return; }
      ["select", "input"].forEach(function (tag) {
        var mine = row.querySelector(tag);
        var theirs = other.querySelector(tag);
        var value = mine.value;
        mine.value = theirs.value;
        theirs.value = value;
        changed(mine);
      });
      var target = other.querySelector('button[value$=":' + (up ? "up" : "down") + '"]');
      (target.disabled ? other.querySelector('button[value$=":' + (up ? "down" : "up") + '"]') : target).focus();
      say(format(draws.getAttribute("data-msg-moved"), {
        position: rows.indexOf(other) + 1, count: rows.length
      }));
    });
  }
})();
