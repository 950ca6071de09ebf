// partnerhub console: the little behaviour htmx does not cover. Every
// page works without this file (and without htmx); it only keeps the
// tree's disclosure state and keyboard focus right after partial updates.
(function () {
  "use strict";
  // A tree toggle loads a node's sub-partners into its container (htmx);
  // once loaded, activating it again folds the node without a request.
  document.addEventListener("htmx:confirm", function (e) {
    var t = e.detail.elt;
    if (!t.classList || !t.classList.contains("toggle") || t.getAttribute("aria-expanded") !== "true") {
      return;
    }
    e.preventDefault();
    var box = document.getElementById(t.getAttribute("aria-controls"));
    if (box) { box.replaceChildren(); }
    t.setAttribute("aria-expanded", "false");
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var t = e.detail.requestConfig && e.detail.requestConfig.elt;
    if (t && t.classList && t.classList.contains("toggle")) {
      t.setAttribute("aria-expanded", "true");
    }
    // A page of results replaced: move focus to it, so keyboard and
    // screen-reader users land on the new rows rather than on nothing.
    if (t && t.closest && t.closest(".pager")) {
      var results = document.getElementById("results");
      if (results) { results.focus(); }
    }
  });
})();
