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

  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.target); });
})();
