/* postmortem-kb: the search box of every page's header, the search page, and the filters of the
   actions page. Search runs on Pagefind's index in the browser: no request leaves the site.
   Every string of the index is written into the page as text, never as HTML. */
(function () {
  var script = document.currentScript || document.querySelector('script[src*="assets/postmortem.js"]');
  var root = new URL("../", script.src);
  var engine = null;

  /* assets/search.json and one Pagefind instance a search bundle (pagefind/, pagefind-1/, ...),
     loaded once, on the first sign that the reader will search. Bundle 0 holds the newest
     post-mortems, 1 the next, and so on (generator/site/search.py). */
  function load() {
    if (engine) return engine;
    engine = fetch(new URL("assets/search.json", root)).then(function (response) { return response.json(); })
      .then(function (settings) {
        var instances = [];
        for (var i = 0; i < settings.bundles; i++) {
          // The newest bundle first, alone: the others load while it gives the first results.
          instances.push((i ? instances[0] : Promise.resolve()).then(startBundle.bind(null, i)));
        }
        var filters = null;
        /* Every filter's values and counts over the whole knowledge base, loaded once asked for
           (after the first results: they would compete with them). */
        function allFilters() {
          filters = filters || Promise.all(instances).then(function (pagefinds) {
            return Promise.all(pagefinds.map(function (pagefind) { return pagefind.filters(); }));
          }).then(function (all) {
            var summed = {};
            all.forEach(function (counts) { addCounts(summed, counts); });
            return summed;
          });
          return filters;
        }
        return { instances: instances, settings: settings, filters: allFilters };
      });
    return engine;
  }

  function startBundle(number) {
    var folder = new URL(number ? "pagefind-" + number + "/" : "pagefind/", root);
    return import(new URL("pagefind.js", folder).href).then(function (pagefind) {
      return pagefind.options({ basePath: folder.pathname, baseUrl: root.pathname, excerptLength: 24, useWorker: false })
        .then(function () { return pagefind.init(); }).then(function () { return pagefind; });
    });
  }

  function addCounts(total, counts) {
    Object.keys(counts || {}).forEach(function (filter) {
      var values = total[filter] = total[filter] || {};
      Object.keys(counts[filter]).forEach(function (value) { values[value] = (values[value] || 0) + counts[filter][value]; });
    });
  }

  /* The query searched in each bundle in turn, newest first: `partial` hears the results of the
     newest bundle (the first results a reader sees), and the search stops between two bundles as
     soon as `current()` says a newer query replaced it. */
  function searchBundles(loaded, term, filters, partial, current) {
    var found = { results: [], filters: {}, totalFilters: {} };
    // The words' index chunks of every bundle are fetched at once; the bundles are searched in turn.
    if (term) loaded.instances.forEach(function (instance) { instance.then(function (pagefind) { pagefind.preload(term); }); });
    var chain = Promise.resolve();
    loaded.instances.forEach(function (instance, number) {
      chain = chain.then(function () { return current() && instance; }).then(function (pagefind) {
        if (!pagefind || !current()) return;
        return pagefind.search(term, { filters: filters }).then(function (one) {
          found.results = found.results.concat(one.results);
          addCounts(found.filters, one.filters);
          addCounts(found.totalFilters, one.totalFilters);
          if (number === 0 && loaded.instances.length > 1) return partial(byScore(found));
        });
      });
    });
    return chain.then(function () { return current() ? byScore(found) : null; });
  }

  function byScore(found) {
    found.results.sort(function (a, b) { return b.score - a.score; });
    return found;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function words(template, fields) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in fields ? fields[name] : all; });
  }

  /* The indexed documents are <id>.html files; their pages are <id>/ (generator/site/search.py). */
  function pageUrl(url) { return url.replace(/\.html(?=#|$)/, "/"); }

  /* Pagefind's excerpt is the escaped text with <mark> around the words found: keep the marks, and
     put everything else in as text. */
  function excerpt(html) {
    var paragraph = element("p", "pm-result-excerpt");
    html.split(/(<mark>[\s\S]*?<\/mark>)/).forEach(function (part) {
      var marked = /^<mark>([\s\S]*)<\/mark>$/.exec(part);
      var decoder = document.createElement("textarea");  // its content is text: entities decoded, no tags
      decoder.innerHTML = marked ? marked[1] : part;
      var text = decoder.value;
      paragraph.appendChild(marked ? element("mark", "", text) : document.createTextNode(text));
    });
    return paragraph;
  }

  function resultItem(data, settings) {
    var item = element("li", "pm-result");
    var link = element("a", "pm-result-link", data.meta.title || data.url);
    link.href = pageUrl(data.url);
    item.appendChild(link);
    var facts = element("div", "pm-result-facts");
    var severity = data.meta.severity;
    if (severity) {
      var rank = settings.severities.indexOf(severity);
      facts.appendChild(element("span", "pm-badge" + (rank >= 0 ? " pm-sev-" + rank : ""), severity));
    }
    var rest = [data.meta.date, data.meta.services, data.meta.duration].filter(Boolean).join(" · ");
    if (rest) facts.appendChild(document.createTextNode(" " + rest));
    item.appendChild(facts);
    if (data.excerpt) item.appendChild(excerpt(data.excerpt));
    return item;
  }

  /* A search: a query and one value a filter, the form that edits them, and the results under it.
     `options.pageSize` results are shown, then more on demand; `options.onChange` hears every change. */
  function Search(container, input, options) {
    this.container = container;
    this.input = input;
    this.options = options;
    this.wanted = {};
    this.shown = options.pageSize;
    this.sequence = 0;
    this.form = element("div", "pm-search-filters");
    this.status = element("p", "pm-search-status");
    this.list = element("ol", "pm-results");
    this.more = element("button", "pm-search-more md-button");
    this.more.type = "button";
    this.more.hidden = true;
    container.appendChild(this.form);
    container.appendChild(this.status);
    container.appendChild(this.list);
    container.appendChild(this.more);
    var self = this;
    input.addEventListener("input", function () { self.shown = options.pageSize; self.request(); });
    this.more.addEventListener("click", function () { self.shown += options.pageSize; self.request(); });
  }

  /* One search at a time: a query typed while one runs is searched as soon as that one stops, at
     its next bundle (the queries typed in between are skipped). */
  Search.prototype.request = function () {
    var self = this;
    if (this.running) {
      this.pending = true;
      this.sequence++;  // the running search is stale: it stops at its next bundle
      return;
    }
    this.running = true;
    this.pending = false;
    this.run().catch(function (error) { console.error(error); }).then(function () {
      self.running = false;
      if (self.pending) self.request();
    });
  };

  Search.prototype.state = function () {
    var state = { q: this.input.value.trim() };
    for (var key in this.wanted) if (this.wanted[key]) state[key] = this.wanted[key];
    return state;
  };

  Search.prototype.run = function () {
    var self = this, number = ++this.sequence, state = this.state();
    function current() { return number === self.sequence; }
    if (this.options.onChange) this.options.onChange(state);
    return load().then(function (loaded) {
      self.settings = loaded.settings;
      var filters = Object.assign({}, state);
      delete filters.q;
      if (!state.q && !Object.keys(filters).length) {
        self.clear();
        return loaded.filters().then(function (all) { if (current()) self.drawFilters(all, all); });
      }
      function search() {
        return searchBundles(loaded, state.q || null, filters, function (partial) { return self.show(partial, state); }, current);
      }
      return search().then(function (result) {
        if (!result) return;
        // A search counts the values of the filters Pagefind has loaded: once all are, count again.
        loaded.filters().then(function (all) {
          var complete = Object.keys(all).every(function (key) { return key in result.filters; });
          return complete ? result : search();
        }).then(function (again) { if (again && current()) self.drawFilters(again.filters, again.totalFilters); });
        return self.show(result, state);
      });
    });
  };

  /* The first results of `result` in the list, unless a newer query replaced `state`. */
  Search.prototype.show = function (result, state) {
    var self = this, number = this.sequence;
    return Promise.all(result.results.slice(0, this.shown).map(function (r) { return r.data(); })).then(function (data) {
      if (number !== self.sequence) return;
      self.list.replaceChildren.apply(self.list, data.map(function (d) { return resultItem(d, self.settings); }));
      // The query and filters whose results are shown (the benchmark and the tests wait for them).
      self.container.dataset.query = state.q;
      self.container.dataset.state = query(state);
      var labels = self.settings.labels;
      self.status.textContent = result.results.length ? words(labels.count, { count: result.results.length }) : labels.none;
      self.more.textContent = labels.more;
      self.more.hidden = !self.options.paged || result.results.length <= self.shown;
      if (self.options.onResults) self.options.onResults(state);
    });
  };

  Search.prototype.clear = function () {
    this.list.replaceChildren();
    this.status.textContent = "";
    this.more.hidden = true;
  };

  /* One select a filter, each value with its count: the count of the results the value would give
     with the other filters, or of the whole knowledge base before a query. */
  Search.prototype.drawFilters = function (counts, totals) {
    var self = this, labels = this.settings.labels;
    // The filters are drawn anew with each result: the one that had the focus keeps it.
    var focused = this.form.contains(document.activeElement) ? document.activeElement.dataset.searchFilter : null;
    this.form.replaceChildren();
    this.settings.filters.forEach(function (filter) {
      var chosen = self.wanted[filter.key] || "";
      var source = (chosen ? totals : counts)[filter.key] || {};
      var values = Object.keys(filter.values).filter(function (v) { return v in source; });
      var extra = Object.keys(source).filter(function (v) { return !(v in filter.values); }).sort();
      if (filter.key === "year") extra.reverse();
      values = values.concat(extra).filter(function (v) { return source[v] > 0 || v === chosen; });
      if (!values.length && !chosen) return;
      var select = element("select");
      select.dataset.searchFilter = filter.key;
      select.setAttribute("aria-label", filter.name);
      select.appendChild(element("option", "", words(labels.any, { name: filter.name })));
      select.firstChild.value = "";
      values.forEach(function (value) {
        var option = element("option", "", (filter.values[value] || value) + " (" + (source[value] || 0) + ")");
        option.value = value;
        option.selected = value === chosen;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        self.wanted[filter.key] = select.value;
        self.shown = self.options.pageSize;
        self.request();
      });
      self.form.appendChild(select);
      if (filter.key === focused) select.focus({ preventScroll: true });
    });
  };

  function query(state) {
    var parameters = new URLSearchParams();
    Object.keys(state).forEach(function (key) { if (state[key]) parameters.set(key, state[key]); });
    var text = parameters.toString();
    return text ? "?" + text : "";
  }

  /* The search page: its query and filters are read from the URL and kept in it, so a link carries them. */
  function startSearchPage() {
    var container = document.getElementById("pm-search");
    if (!container || container.dataset.started) return;
    container.dataset.started = "yes";
    var input = element("input", "pm-search-input");
    input.type = "search";
    container.appendChild(input);
    var search = new Search(container, input, { pageSize: 10, paged: true, onChange: function (state) {
      history.replaceState(null, "", location.pathname + query(state) + location.hash);
    } });
    var parameters = new URLSearchParams(location.search);
    input.value = parameters.get("q") || "";
    parameters.forEach(function (value, key) { if (key !== "q") search.wanted[key] = value; });
    load().then(function (loaded) { input.placeholder = loaded.settings.labels.placeholder; });
    input.focus();
    search.request();
  }

  /* The box in the header of every page: results in a panel under it, with a link to the search
     page that carries the query and the filters. `/` or `s` puts the cursor in it, Escape closes it. */
  function startHeaderSearch() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".pm-header-search")) return;
    var box = element("div", "pm-header-search");
    var input = element("input", "pm-header-search__input");
    input.type = "search";
    input.setAttribute("aria-label", "Search");
    input.placeholder = "/";
    var panel = element("div", "pm-header-search__panel");
    panel.hidden = true;
    var all = element("a", "pm-search-all");
    var searchPage = new URL("search/", root);
    var search = new Search(panel, input, { pageSize: 5, onChange: function (state) {
      all.href = searchPage.pathname + query(state);
      panel.hidden = !state.q && Object.keys(state).length === 1;
    }, onResults: function () { panel.hidden = false; } });
    panel.appendChild(all);
    box.appendChild(input);
    box.appendChild(panel);
    var before = header.querySelector(".md-header__source");
    header.insertBefore(box, before);
    function warm() {
      load().then(function (loaded) {
        input.placeholder = loaded.settings.labels.placeholder + "  /";
        input.setAttribute("aria-label", loaded.settings.labels.placeholder);
        all.textContent = loaded.settings.labels.all_results;
      });
    }
    input.addEventListener("focus", warm);
    input.addEventListener("pointerenter", warm);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { panel.hidden = true; input.blur(); }
      if (event.key === "Enter") location.href = all.href || searchPage.pathname;
    });
    document.addEventListener("click", function (event) { if (!box.contains(event.target)) panel.hidden = true; });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (typing || event.ctrlKey || event.metaKey || event.altKey || (event.key !== "/" && event.key !== "s")) return;
      event.preventDefault();
      input.focus();
    });
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

  /* A table wider than the page (on a phone) scrolls sideways in Material's wrapper: the wrapper then
     takes the focus, so that the keyboard can scroll it, and is a region named by the heading above
     the table. Marked again when the window's width changes. */
  function heading(node) {
    for (; node && !node.matches("article"); node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) return before;
      }
    }
    return document.querySelector("article h1");
  }

  function markScrollableTables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth;
      if (scrolls === (wrap.dataset.pmScrolls === "yes")) return;
      wrap.dataset.pmScrolls = scrolls ? "yes" : "no";
      if (!scrolls) {
        ["tabindex", "role", "aria-labelledby", "aria-label"].forEach(function (name) { wrap.removeAttribute(name); });
        return;
      }
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      var title = heading(wrap);
      if (title && title.id) wrap.setAttribute("aria-labelledby", title.id);
      else if (title) wrap.setAttribute("aria-label", title.textContent.replace(/\u00b6$/, "").trim());
    });
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(resizing);
    resizing = requestAnimationFrame(markScrollableTables);
  });

  function start() { startHeaderSearch(); startSearchPage(); startFilters(); requestAnimationFrame(markScrollableTables); }
  if (typeof document$ !== "undefined") document$.subscribe(start); else document.addEventListener("DOMContentLoaded", start);
})();
