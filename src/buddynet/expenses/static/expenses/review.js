// Approve in bulk: one box chooses every claim.
(function () {
  "use strict";
  var all = document.getElementById("expense-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll("input[name='claims']").forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
