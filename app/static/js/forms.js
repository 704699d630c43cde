/* Briefing Room: every page's forms.

   - A POST form sent without htmx (no JavaScript for htmx, or a plain form such as "Start the session") disables its
     submit buttons once sent, so a second click does not send it again while the next page loads. htmx forms
     use hx-disabled-elt for the same. (The server also stores each form's key once: a repeat changes nothing.)
   - A request the server refuses before any view (guards.py: a body it cannot read, a number that is not one)
     answers 400 with its message aimed at #request-problem; htmx does not swap a 400 unless told to.

   No inline script and no eval: the pages' CSP forbids both. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method !== "post") {
      return; // htmx took it (hx-post), another script stopped it, or a GET (a filter, a download) that may stay
    }
    // After this tick, not now: the browser reads the form's fields (the clicked button's name and value
    // among them) once the submit event is over, and a disabled button is left out.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.dataset.disabledWhileSending = "";
      });
    }, 0);
  });

  // Back to a page the browser kept (the back button): its buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-disabled-while-sending]").forEach(function (button) {
      button.disabled = false;
      delete button.dataset.disabledWhileSending;
    });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const detail = event.detail;
    if (detail.xhr.status === 400 && detail.target && detail.target.id === "request-problem") {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
})();
