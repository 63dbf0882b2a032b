// Small fixes to the Jupyter Book 1.x theme, loaded on every page by
// book_extensions/site_fixes.py. Each is tested in tests/test_site_in_browser.py.
(function () {
  "use strict";

  // 1. The sidebar drawers. The theme wires its open/close handlers to the
  //    *first* element with the class .primary-toggle (or .secondary-toggle),
  //    which is a hidden button in the navbar; the visible toggles in the
  //    article header get no handler, so on a phone nothing opens
  //    (pydata-sphinx-theme#2451, sphinx-book-theme#988). Forward a click on
  //    any other toggle to the wired one.
  function forwardToggles() {
    ["primary", "secondary"].forEach(function (side) {
      var toggles = document.querySelectorAll("." + side + "-toggle");
      var wired = toggles[0];
      toggles.forEach(function (button) {
        if (button === wired) return;
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          wired.click();
        });
      });
    });
  }

  // 2. Solution bars. The title of a folded solution holds a link back to its
  //    exercise. The toggle script handles clicks on the bar itself and on
  //    its button, but a click on the title text (the link, or maths inside
  //    it) followed the link and raised an error instead of opening the
  //    solution. Send such clicks to the bar. The toggle buttons are added by
  //    another script when the page loads, so one listener on the document,
  //    in the capture phase, handles them all.
  function wholeBarToggles() {
    document.addEventListener(
      "click",
      function (event) {
        var title = event.target.closest(".dropdown > .admonition-title");
        if (!title || event.target === title) return;
        if (event.target.closest(".toggle-button")) return;
        event.preventDefault();
        event.stopPropagation();
        title.click();
      },
      true,
    );
  }

  // 3. Accessible names that say what a reader sees (WCAG 2.5.3, "label in
  //    name"). The search field shows "Search Ctrl + K" but was named only
  //    "Search": let its visible text name it. The colour-mode button's icons
  //    carry titles ("Light", "Dark") that clash with its name: the button's
  //    aria-label says what it does, so the icons are decoration. A hidden
  //    code cell's toggle shows "Show code cell source" but was named
  //    "Toggle hidden content".
  function accessibleNames() {
    // A convolution animation's frame slider had no name at all.
    document.querySelectorAll("input.anim-slider:not([aria-label])").forEach(function (slider) {
      slider.setAttribute("aria-label", "Animation frame");
    });
    // The bibliography's entries use a deprecated ARIA role inside a list.
    document.querySelectorAll('.citation-list > [role="doc-biblioentry"]').forEach(function (entry) {
      entry.setAttribute("role", "listitem");
    });
    document.querySelectorAll("details > summary[aria-label]").forEach(function (summary) {
      summary.removeAttribute("aria-label");
    });
    document.querySelectorAll(".search-button-field[aria-label]").forEach(function (button) {
      button.removeAttribute("aria-label");
    });
    // Font Awesome turns each <i> into an <svg> (with a <title> taken from
    // the <i>'s title) when it gets to it, before or after this runs.
    document.querySelectorAll(".theme-switch-button i[title]").forEach(function (icon) {
      icon.removeAttribute("title");
      icon.setAttribute("aria-hidden", "true");
    });
    document.querySelectorAll(".theme-switch-button svg").forEach(function (icon) {
      icon.querySelectorAll("title").forEach(function (title) { title.remove(); });
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
    });
  }

  function run() {
    forwardToggles();
    wholeBarToggles();
    accessibleNames();
    // Again once every other script has run (Font Awesome among them).
    window.addEventListener("load", accessibleNames);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
