/* buddynet: progressive enhancement only; every page works without it. */
(function () {
  "use strict";

  var i18n = document.body.dataset;

  // A form came back with errors: move focus to its summary, so screen-reader and
  // keyboard users hear it first (role="alert" announces it too).
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-autofocus], .error-summary");
    if (!summary) { return; }
    if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    summary.focus();
  }
  focusErrorSummary(document);

  // A link in the summary puts focus on its field (not only scrolls to it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    field.focus();
    var label = field.closest(".mb-3, fieldset") || field;
    label.scrollIntoView({ block: "start" });
  });

  // Tables wider than the screen scroll sideways inside their .table-responsive box.
  // Make each such box a named region keyboard users can tab to and scroll with the
  // arrow keys, and show a hint above it; undo both when the table fits again.
  function tableName(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    if (table && table.getAttribute("aria-label")) { return table.getAttribute("aria-label"); }
    var section = box.closest("section, article, .card, main");
    var heading = section && section.querySelector("h1, h2, h3, h4");
    if (heading && heading.textContent.trim()) { return heading.textContent.trim(); }
    return i18n.tableLabel || "Table";
  }
  var hintCount = 0;
  function markScrollingTables(root) {
    (root || document).querySelectorAll(".table-responsive").forEach(function (box) {
      // A box a template already made focusable is left as the template wrote it.
      if (box.hasAttribute("tabindex") && !box.classList.contains("is-scrollable")) { return; }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var hint = box.previousElementSibling;
      var hasHint = hint && hint.classList.contains("table-scroll-hint");
      if (scrolls && !box.classList.contains("is-scrollable")) {
        box.classList.add("is-scrollable");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", tableName(box));
        if (!hasHint) {
          hint = document.createElement("p");
          hint.className = "table-scroll-hint";
          hint.innerHTML = '<i class="bi bi-arrow-left-right" aria-hidden="true"></i> ';
          hint.appendChild(document.createTextNode(i18n.tableScrollHint || ""));
          box.parentNode.insertBefore(hint, box);
        }
        if (hint.id === "") { hintCount += 1; hint.id = "table-scroll-hint-" + hintCount; }
        box.setAttribute("aria-describedby", hint.id);
      } else if (!scrolls && box.classList.contains("is-scrollable")) {
        box.classList.remove("is-scrollable");
        ["tabindex", "role", "aria-label", "aria-describedby"].forEach(function (name) {
          box.removeAttribute(name);
        });
        if (hasHint) { hint.remove(); }
      }
    });
  }
  markScrollingTables(document);
  window.addEventListener("load", function () { markScrollingTables(document); });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () { markScrollingTables(document); }, 150);
  });
  // Content swapped in by htmx: its tables and its error summary.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    markScrollingTables(document);
    focusErrorSummary(event.target);
  });

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
