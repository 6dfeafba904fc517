/* Page behaviour that used to be inline (the Content-Security-Policy allows scripts from our own
   static files only):
   - data-confirm on a form or its submit button asks before an irreversible action;
   - data-enter-trigger on an input fires the htmx trigger "enter" on the Enter key (htmx event
     filters such as keyup[key=='Enter'] need eval, which the policy forbids). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("keyup", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.matches && target.matches("[data-enter-trigger]") && window.htmx) {
      window.htmx.trigger(target, "enter");
    }
  });
})();
