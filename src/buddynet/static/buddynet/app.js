/* buddynet: progressive enhancement only; every page works without it. */
(function () {
  "use strict";

  // Move focus to an error summary so screen-reader and keyboard users hear it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // On a phone the project menu is one line that scrolls: show the current page's item.
  var current = document.querySelector(".project-nav .nav-link.active");
  if (current && current.parentElement.parentElement.scrollWidth > current.parentElement.parentElement.clientWidth) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
  }

  // Charts: data comes from a <script type="application/json"> (CSP-safe, no inline JS).
  if (window.Chart) {
    var palette = ["#0b5c7a", "#c76f00", "#3a7d44", "#8e3b8f", "#b02a37"];
    // Chart text in the page's font and colour (AA contrast), not Chart.js's light grey.
    var bodyStyle = window.getComputedStyle(document.body);
    window.Chart.defaults.color = "#1d2a33";
    window.Chart.defaults.font.family = bodyStyle.fontFamily;
    window.Chart.defaults.font.size = 13;
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
          scales: {
            x: { beginAtZero: true, ticks: { precision: 0, maxRotation: 0, autoSkip: true } },
            y: { beginAtZero: true, ticks: { precision: 0 } }
          }
        }
      });
    });
  }
})();
