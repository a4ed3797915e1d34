// The claim form: suggest the distance between two towns (straight line x road factor,
// from the bundled municipality coordinates) and show only the fields a kind needs.
(function () {
  "use strict";
  var points = JSON.parse(document.getElementById("expense-town-points").textContent);
  var factor = JSON.parse(document.getElementById("expense-road-factor").textContent);
  var from = document.querySelector("[data-expense-town='from_town']");
  var to = document.querySelector("[data-expense-town='to_town']");
  var km = document.querySelector("[data-expense-km]");
  var kind = document.getElementById("id_kind");
  var suggested = null;

  function rad(d) { return (d * Math.PI) / 180; }
  function distance(a, b) {
    var dphi = rad(b[0] - a[0]) / 2, dl = rad(b[1] - a[1]) / 2;
    var h = Math.sin(dphi) * Math.sin(dphi) +
      Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dl) * Math.sin(dl);
    return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  function suggest() {
    var a = points[from.value.trim()], b = points[to.value.trim()];
    if (!a || !b) { return; }
    if (km.value && km.value !== suggested) { return; }  // typed by hand: keep it
    suggested = (Math.round(distance(a, b) * factor * 10) / 10).toFixed(1);
    km.value = suggested;
  }
  function row(el) { return el && el.closest(".mb-3, p, div"); }
  function show() {
    var isKm = kind.value === "km_car" || kind.value === "km_bicycle";
    var needsReceipt = kind.value === "public_transport" || kind.value === "other";
    [from, to, km].forEach(function (el) { row(el).hidden = !isKm; });
    row(document.getElementById("id_amount")).hidden = isKm;
    row(document.getElementById("id_receipt")).hidden = !needsReceipt;
  }
  if (from && to && km) {
    from.addEventListener("change", suggest);
    to.addEventListener("change", suggest);
  }
  if (kind) { kind.addEventListener("change", show); show(); }
})();
