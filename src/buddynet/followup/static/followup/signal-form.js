/* The boundary-signal form: after a refused submit, move focus to the error summary
   so a screen reader reads what is wrong first and a keyboard user starts there.
   (Progressive enhancement: the summary is also a live role="alert" region.) */
(function () {
  "use strict";
  var summary = document.querySelector(".signal-form .error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
})();
