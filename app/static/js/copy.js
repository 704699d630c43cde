/* Briefing Room: the "Copy the link" button beside a one-time link.

   Progressive enhancement: without JavaScript the button stays hidden and the link sits in a read-only field to
   select and copy by hand. With it, the button copies the link and says so in a status region (read out by
   screen readers). No inline script: the pages' CSP forbids it. */
(function () {
  "use strict";

  function say(button, text) {
    const status = button.closest(".link-field").querySelector("[data-copy-status]");
    if (status) {
      status.textContent = text;
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copy);
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      const copied = navigator.clipboard && window.isSecureContext
        ? navigator.clipboard.writeText(field.value)
        : Promise.resolve(document.execCommand("copy")).then(function (done) {
            if (!done) {
              throw new Error("copy refused");
            }
          });
      copied.then(
        function () { say(button, "Copied. Paste it into a message to the person it is for."); },
        function () { say(button, "The browser would not copy it: the link is selected, so press Ctrl+C (or ⌘+C)."); }
      );
    });
  });
})();
