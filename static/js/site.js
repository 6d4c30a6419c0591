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
    // An error summary put at the top of a refused form's page takes the focus, so that the
    // browser scrolls to it and a screen reader reads it (the form may be far below).
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }

    // A select that submits its form when changed (the language switches).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });

    // A read-only address selected on click, for copying (calendar addresses).
    document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
      input.addEventListener("click", function () { input.select(); });
    });

    // A button that copies the value of the field it names (data-copy), and says so in the
    // status line beside it; without the clipboard API, the text is selected for Ctrl+C.
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      var status = document.getElementById(button.dataset.copy + "-status");
      if (!field) { return; }
      button.addEventListener("click", function () {
        function done() {
          if (status) { status.textContent = button.dataset.copied || ""; }
        }
        field.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(done, function () {
            document.execCommand("copy");
            done();
          });
        } else {
          document.execCommand("copy");
          done();
        }
      });
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
