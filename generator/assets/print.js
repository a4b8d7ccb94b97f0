/* postmortem-kb: the addresses a printed page writes after its article's links (print.css). A link to another
   page of this site gets its absolute address in `data-print-href`: where the site is published when
   postmortem.yml gives `site_url` (the page's canonical link), else where the page was opened. Left out: links
   within the page, and links to the site's index pages (services, causes, severities, tags, owners' actions,
   teams), whose text already names what they list. A link whose text is its address is marked
   `data-print-bare`, so that it is not written twice. */
(function () {
  var script = document.currentScript || document.querySelector('script[src*="assets/print.js"]');
  var root = new URL("../", script.src);
  var INDEXES = /^(services|causes|severities|tags|actions|teams)\//;

  function mark() {
    var canonical = document.querySelector('link[rel="canonical"]');
    var published = canonical ? new URL(canonical.href) : null;
    document.querySelectorAll(".md-content article a[href]").forEach(function (link) {
      var written = link.getAttribute("href");
      if (link.textContent.trim() === written) link.setAttribute("data-print-bare", "");
      if (written.charAt(0) === "#" || /^[a-z][a-z0-9+.-]*:/i.test(written)) return;
      var target = new URL(written, location.href);
      if (target.origin !== root.origin || target.pathname.indexOf(root.pathname) !== 0) return;
      if (target.pathname === location.pathname || INDEXES.test(target.pathname.slice(root.pathname.length))) return;
      link.setAttribute("data-print-href", published ? new URL(written, published).href : target.href);
    });
  }

  if (typeof document$ !== "undefined") document$.subscribe(mark); else document.addEventListener("DOMContentLoaded", mark);
})();
