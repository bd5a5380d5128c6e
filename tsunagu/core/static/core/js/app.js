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

  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.target); });
})();
