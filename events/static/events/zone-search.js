/* A search box before each time zone picker (select[data-search], whose value names the box):
   typing keeps only the zones whose name holds every word typed, in any order ("york new",
   "shang"). The zone already chosen always stays listed and chosen. Without this script the
   picker is a plain grouped list. Loaded from a file, never inline, for the
   Content-Security-Policy (script from 'self' only). */
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().replace(/[_/]/g, " ").split(/\s+/).filter(Boolean);
  }

  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "zone-search";
    box.placeholder = select.dataset.search;
    box.setAttribute("aria-label", select.dataset.search);
    if (select.id) {
      box.id = select.id + "-search";
      box.setAttribute("aria-controls", select.id);
    }
    select.parentNode.insertBefore(box, select);
    // The whole list, kept aside: a filter rebuilds the select from it (a hidden <option>
    // still shows in some browsers' pickers).
    var all = Array.prototype.map.call(select.children, function (node) {
      return node.cloneNode(true);
    });

    function filter() {
      var wanted = words(box.value);
      var chosen = select.value;
      function kept(option) {
        if (option.value === chosen) { return true; }
        var text = words(option.value + " " + option.textContent).join(" ");
        return wanted.every(function (word) { return text.indexOf(word) !== -1; });
      }
      select.textContent = "";
      all.forEach(function (node) {
        if (node.tagName === "OPTGROUP") {
          var group = node.cloneNode(false);
          Array.prototype.forEach.call(node.children, function (option) {
            if (kept(option)) { group.appendChild(option.cloneNode(true)); }
          });
          if (group.children.length) { select.appendChild(group); }
        } else if (kept(node)) {
          select.appendChild(node.cloneNode(true));
        }
      });
      select.value = chosen;
    }

    box.addEventListener("input", filter);
    // Enter in the box chooses the first zone found instead of sending the form.
    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var first = Array.prototype.find.call(select.options, function (option) {
        return option.value !== select.value;
      });
      if (first && box.value) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        select.focus();
      }
    });
  }

  function start() {
    document.querySelectorAll("select[data-search]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
