/* buddynet: progressive enhancement only; every page works without it. */
(function () {
  "use strict";

  // Move focus to an error summary so screen-reader and keyboard users hear it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // Charts: data comes from a <script type="application/json"> (CSP-safe, no inline JS).
  if (window.Chart) {
    var palette = ["#0b5c7a", "#e08a00", "#3a7d44", "#8e3b8f", "#b02a37"];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var kind = canvas.dataset.chartType || "bar";
      var horizontal = kind === "bar-horizontal";
      data.datasets.forEach(function (set, i) {
        set.backgroundColor = set.backgroundColor || palette[i % palette.length];
        set.borderColor = set.borderColor || palette[i % palette.length];
      });
      new window.Chart(canvas, {
        type: horizontal ? "bar" : kind,
        data: data,
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: data.datasets.length > 1 } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }
})();
