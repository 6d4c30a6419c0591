/* The site's only script: small enhancements that every page works without.
   Loaded from a file, never inline, so that the Content-Security-Policy can allow
   script from 'self' alone. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  ready(function () {
    // A select that submits its form when changed (the language switches).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });

    // A read-only address selected on click, for copying (calendar addresses).
    document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
      input.addEventListener("click", function () { input.select(); });
    });

    // A button that asks before it submits (data-confirm holds the question).
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
          event.preventDefault();
        }
      });
    });

    // The roster's "select all shown" box, hidden until the script can make it work.
    var roster = document.getElementById("roster");
    var all = document.getElementById("select-all");
    if (roster && all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        roster.querySelectorAll('input[name="registration"]').forEach(function (box) {
          box.checked = all.checked;
        });
      });
    }
  });
})();
