// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function focusErrors(root) {
    var summary = root.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  }

  // Buttons that destroy or end something ask first: <button data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) ||
      event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // Enter in a search box inside a bigger form runs that search, not the form's default
  // action: <input data-enter-clicks="id-of-search-button">.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !target.getAttribute) { return; }
    var buttonId = target.getAttribute("data-enter-clicks");
    var button = buttonId && document.getElementById(buttonId);
    if (button) { event.preventDefault(); button.click(); }
  });

  // Date entry (core/widgets.py): the text box takes 令和7年4月1日, R7.4.1 or 2025-04-01; the
  // server reads it (one parser) and the <output> says which day that is.  The calendar button
  // reveals a native date picker whose choice is written into the text box.
  function dateEntry(node) { return node.closest && node.closest("[data-date-entry]"); }
  function dateParts(entry) {
    return {
      text: entry.querySelector("input[type=text]"),
      button: entry.querySelector(".date-entry__calendar"),
      picker: entry.querySelector(".date-entry__picker"),
      echo: entry.querySelector(".date-entry__echo")
    };
  }
  function readDate(entry) {
    var parts = dateParts(entry);
    var url = entry.getAttribute("data-date-entry") + "?text=" + encodeURIComponent(parts.text.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer) { return; }
        parts.echo.textContent = answer.error || answer.echo || "";
        parts.echo.classList.toggle("date-entry__echo--error", Boolean(answer.error));
        entry.setAttribute("data-date", answer.date || "");
      })
      .catch(function () { /* the form field still decides at submit */ });
  }
  function closePicker(parts) {
    parts.picker.hidden = true;
    parts.button.setAttribute("aria-expanded", "false");
  }
  function enableDateEntries(root) {
    root.querySelectorAll("[data-date-entry] .date-entry__calendar").forEach(function (button) {
      button.hidden = false;
    });
  }
  var dateTimers = new WeakMap();
  document.addEventListener("input", function (event) {
    var entry = dateEntry(event.target);
    if (!entry || event.target.type !== "text") { return; }
    clearTimeout(dateTimers.get(entry));
    dateTimers.set(entry, setTimeout(function () { readDate(entry); }, 250));
  });
  document.addEventListener("click", function (event) {
    var entry = dateEntry(event.target);
    if (!entry || !event.target.classList.contains("date-entry__calendar")) { return; }
    var parts = dateParts(entry);
    if (!parts.picker.hidden) { closePicker(parts); return; }
    parts.picker.value = entry.getAttribute("data-date") || "";
    parts.picker.hidden = false;
    parts.button.setAttribute("aria-expanded", "true");
    parts.picker.focus();
    try { parts.picker.showPicker(); } catch (e) { /* focus alone: the user types or uses arrows */ }
  });
  document.addEventListener("change", function (event) {
    var entry = dateEntry(event.target);
    if (!entry || !event.target.classList.contains("date-entry__picker")) { return; }
    var parts = dateParts(entry);
    if (!parts.picker.value) { return; }
    parts.text.value = parts.picker.value;
    closePicker(parts);
    parts.text.focus();
    readDate(entry);
  });
  document.addEventListener("keydown", function (event) {
    var entry = dateEntry(event.target);
    if (event.key !== "Escape" || !entry || !event.target.classList.contains("date-entry__picker")) { return; }
    var parts = dateParts(entry);
    closePicker(parts);
    parts.button.focus();
  });

  // Signing out wipes what the offline safety-check screen kept on this device (the disaster
  // app's ADR 0020): its IndexedDB, its caches and its service worker.  The sign-out answer's
  // Clear-Site-Data header does the same where the browser honours it.
  function wipeOffline() {
    var wipes = [];
    if (window.indexedDB) {
      wipes.push(new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase("tsunagu-offline");
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      }));
    }
    if (window.caches) {
      wipes.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("tsunagu-offline-") === 0;
        }).map(function (name) { return caches.delete(name); }));
      }));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      wipes.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(wipes);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-sign-out")) { return; }
    if (form.getAttribute("data-wiped")) { return; }
    event.preventDefault();
    var sent = false;
    function send() {
      if (sent) { return; }
      sent = true;
      form.setAttribute("data-wiped", "1");
      form.submit();
    }
    wipeOffline().then(send, send);
    setTimeout(send, 3000);
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrors(document);
    enableDateEntries(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrors(event.target);
    enableDateEntries(event.target);
  });
})();
