/* postmortem-kb: search (Pagefind UI) and the filters of the actions page. Runs on every page load,
   including Material's instant navigation (document$). No request leaves the site. */
(function () {
  function startSearch() {
    var element = document.getElementById("pm-search");
    if (!element || element.dataset.started || typeof PagefindUI === "undefined") return;
    element.dataset.started = "yes";
    // A large knowledge base is indexed in several bundles (pagefind/, pagefind-1/, ...): merge them.
    var ui = document.querySelector('script[src$="pagefind/pagefind-ui.js"]');
    var root = new URL("../", ui.src).pathname;
    var merged = [];
    for (var i = 1; i < parseInt(element.dataset.bundles || "1", 10); i++) merged.push({ bundlePath: root + "pagefind-" + i + "/" });
    // The indexed documents are <id>.html files; their pages are <id>/ (generator/site/search.py).
    function pageUrl(url) { return url.replace(/\.html(?=#|$)/, "/"); }
    function toPages(result) {
      result.url = pageUrl(result.url);
      (result.sub_results || []).forEach(function (sub) { sub.url = pageUrl(sub.url); });
      return result;
    }
    new PagefindUI({ element: "#pm-search", showSubResults: true, showImages: false, resetStyles: false,
                     mergeIndex: merged, processResult: toPages });
    var input = element.querySelector("input");
    var query = new URLSearchParams(window.location.search).get("q");
    if (input && query) { input.value = query; input.dispatchEvent(new Event("input", { bubbles: true })); }
    if (input) input.focus();
  }

  function startFilters() {
    var selects = document.querySelectorAll("select[data-filter]");
    if (!selects.length) return;
    function apply() {
      var wanted = {};
      selects.forEach(function (s) { wanted[s.dataset.filter] = s.value; });
      document.querySelectorAll("tr[data-owner]").forEach(function (row) {
        var owner = !wanted.owner || row.dataset.owner === wanted.owner;
        var team = !wanted.teams || (" " + row.dataset.teams + " ").indexOf(" " + wanted.teams + " ") >= 0;
        row.hidden = !(owner && team);
      });
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });
  }

  function start() { startSearch(); startFilters(); }
  if (typeof document$ !== "undefined") document$.subscribe(start); else document.addEventListener("DOMContentLoaded", start);
})();
