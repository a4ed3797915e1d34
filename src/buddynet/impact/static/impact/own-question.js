/* The form of an own question: show only the fields its kind of answer uses (what 1
   and 5 mean for a scale, the bounds for a number, the better direction for both).
   Progressive enhancement: without it every field shows and the service ignores the
   ones the kind does not use. */
(function () {
  "use strict";
  var USES = {
    scale: ["low_nl", "high_nl", "low_en", "high_en", "higher_is_better"],
    number: ["min_value", "max_value", "higher_is_better"],
    yesno: [],
    text: []
  };
  var ALL = ["low_nl", "high_nl", "low_en", "high_en", "min_value", "max_value", "higher_is_better"];
  var kinds = document.querySelectorAll("main form input[name='kind']");
  if (!kinds.length) {
    return;
  }
  function wrapper(name) {
    var input = document.querySelector("main form [name='" + name + "']");
    return input ? input.closest(".mb-3") : null;
  }
  function show() {
    var chosen = document.querySelector("main form input[name='kind']:checked");
    var uses = chosen ? USES[chosen.value] || ALL : ALL;
    ALL.forEach(function (name) {
      var box = wrapper(name);
      if (box) {
        box.hidden = uses.indexOf(name) === -1;
      }
    });
  }
  kinds.forEach(function (input) {
    input.addEventListener("change", show);
  });
  show();
})();
