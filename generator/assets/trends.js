/* postmortem-kb: the Trends page's selection (a team, a service, a severity, a period), worked out in
   the browser from trends/figures.json, offline, with the choice in the page's address so that a link
   carries it. The same choice and the same figures as `postmortem stats --team --service --severity
   --since --until`: an incident is kept when one of its services is among the team's (narrowed to the
   service given), its severity is the one given, and its day (in the knowledge base's time zone) is
   in the period; times are spread as median, p90 by nearest rank, mean and n. */
(function () {
  "use strict";
  var form = document.querySelector("form.pm-selection");
  if (!form) { return; }
  var FIELDS = ["team", "service", "severity", "since", "until"];

  function median(sorted) {
    var middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  function spread(values) {
    var sorted = values.filter(function (v) { return v !== null; }).sort(function (a, b) { return a - b; });
    if (!sorted.length) { return {n: 0, median: null, p90: null, mean: null}; }
    var sum = sorted.reduce(function (a, b) { return a + b; }, 0);
    var rank = Math.max(1, Math.ceil(0.9 * sorted.length));
    return {n: sorted.length, median: median(sorted), p90: sorted[rank - 1], mean: sum / sorted.length};
  }

  function round(value) { return value === null ? null : Math.round(value * 100) / 100; }

  function chosen(data, choice) {
    var services = null;
    if (choice.team || choice.service) {
      services = (choice.team ? data.teams[choice.team] || [] : null);
      if (choice.service) {
        services = (services === null || services.indexOf(choice.service) !== -1) ? [choice.service] : [];
      }
    }
    return data.incidents.filter(function (incident) {
      return (services === null || incident.services.some(function (s) { return services.indexOf(s) !== -1; })) &&
        (!choice.severity || incident.severity === choice.severity) &&
        (!choice.since || incident.day >= choice.since) && (!choice.until || incident.day <= choice.until);
    });
  }

  function show(data, labels) {
    var choice = {};
    FIELDS.forEach(function (name) { choice[name] = form.elements[name].value; });
    var kept = chosen(data, choice);
    var bySeverity = data.severities.map(function (severity) {
      return severity + " " + kept.filter(function (i) { return i.severity === severity; }).length;
    });
    var rows = ["ttd", "ttm", "ttr"].map(function (name) {
      var s = spread(kept.map(function (i) { return i[name]; }));
      var cells = ["median", "p90", "mean"].map(function (key) {
        var value = round(s[key]);
        return "<td data-figure=\"" + name + "-" + key + "\" data-value=\"" + (value === null ? "" : value) + "\">" +
          (value === null ? "—" : value.toFixed(1) + " " + labels.min) + "</td>";
      });
      return "<tr><th scope=\"row\">" + labels[name] + "</th>" + cells.join("") +
        "<td data-figure=\"" + name + "-n\" data-value=\"" + s.n + "\">" + s.n + "</td></tr>";
    });
    var panel = form.querySelector(".pm-selection-figures");
    panel.innerHTML = "<p><strong data-figure=\"incidents\" data-value=\"" + kept.length + "\">" + kept.length +
      "</strong> " + labels.incidents.toLowerCase() + " (" + bySeverity.join(", ") + ")</p>" +
      "<table class=\"pm-selection-table\"><thead><tr><th></th><th scope=\"col\">" + labels.median + "</th><th scope=\"col\">" + labels.p90 +
      "</th><th scope=\"col\">" + labels.mean + "</th><th scope=\"col\">" + labels.n + "</th></tr></thead><tbody>" +
      rows.join("") + "</tbody></table>";
    var query = new URLSearchParams();
    FIELDS.forEach(function (name) { if (choice[name]) { query.set(name, choice[name]); } });
    var search = query.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
  }

  fetch(form.getAttribute("data-figures")).then(function (response) { return response.json(); }).then(function (data) {
    var labels = JSON.parse(form.querySelector(".pm-selection-figures").getAttribute("data-labels"));
    var query = new URLSearchParams(location.search);
    FIELDS.forEach(function (name) {
      if (query.get(name)) { form.elements[name].value = query.get(name); }
      form.elements[name].addEventListener("change", function () { show(data, labels); });
    });
    form.hidden = false;
    show(data, labels);
  });
})();
