/* The goals chart: levels 1-3 on the y axis, named, and a stepped line (a level holds
   until it changes). Runs after app.js has drawn the chart. */
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var canvas = document.querySelector("[data-goal-chart-wrap] canvas[data-chart]");
    var source = document.getElementById("goal-levels");
    if (!canvas || !source || !window.Chart) { return; }
    var chart = window.Chart.getChart(canvas);
    if (!chart) { return; }
    var names = JSON.parse(source.textContent);
    chart.data.datasets.forEach(function (set) { set.stepped = true; set.pointRadius = 4; set.spanGaps = false; });
    chart.options.scales.y.min = 1;
    chart.options.scales.y.max = 3;
    chart.options.scales.y.beginAtZero = false;
    chart.options.scales.y.ticks.stepSize = 1;
    chart.options.scales.y.ticks.callback = function (value) { return names[String(value)] || value; };
    chart.options.plugins.legend.display = true;
    chart.update();
  });
})();
