/* Draws the dashboard's bar chart (units: result and target) and line chart (result by period)
   from the JSON the page carries; redrawn after HTMX swaps the dashboard body. */
(function () {
  "use strict";
  var charts = [];
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "vi");

  function draw() {
    var node = document.getElementById("chart-data");
    if (!node || typeof Chart === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var common = {
      responsive: true,
      maintainAspectRatio: false,
      plugins: { tooltip: { callbacks: { label: function (ctx) {
        return ctx.dataset.label + ": " + (ctx.parsed.y === null ? "—" : numberFormat.format(ctx.parsed.y));
      } } } },
      scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return numberFormat.format(v); } } } }
    };
    var bar = document.getElementById("chart-bar");
    if (bar) {
      var datasets = [{ label: data.indicator, data: data.actual, backgroundColor: "#b3261e" }];
      if (data.target.some(function (v) { return v !== null; })) {
        datasets.push({ label: bar.closest("html").lang === "en" ? "Target" : "Chỉ tiêu", data: data.target, backgroundColor: "#9aa5b5" });
      }
      charts.push(new Chart(bar, { type: "bar", data: { labels: data.labels, datasets: datasets }, options: common }));
    }
    var line = document.getElementById("chart-line");
    if (line) {
      charts.push(new Chart(line, {
        type: "line",
        data: { labels: data.series_labels, datasets: [{ label: data.indicator, data: data.series, borderColor: "#0b57a4", backgroundColor: "#0b57a4", spanGaps: true, tension: 0.2 }] },
        options: common
      }));
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
