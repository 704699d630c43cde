/* Briefing Room: the library editors' pages.

   Adding a briefing: the file field works on its own (and Chromium and Firefox already take a file dropped on
   it); this makes the whole box around it a drop target, shows that a drop will land there, and says which file
   was chosen. Without JavaScript the plain file field does the same job.

   No inline script and no eval: the pages' CSP forbids both. */
(function () {
  "use strict";

  function describe(zone, input) {
    const status = zone.querySelector("[data-drop-status]");
    if (status) {
      status.textContent = input.files && input.files.length ? "Chosen: " + input.files[0].name : "";
    }
  }

  function enhance(zone) {
    const input = zone.querySelector("input[type=file]");
    if (!input) {
      return;
    }
    let depth = 0; // dragenter and dragleave fire for every child the pointer crosses
    zone.addEventListener("dragenter", function (event) {
      if (event.dataTransfer && Array.from(event.dataTransfer.types).indexOf("Files") !== -1) {
        depth += 1;
        zone.classList.add("is-dragging");
      }
    });
    zone.addEventListener("dragover", function (event) {
      event.preventDefault(); // allows the drop
      if (event.dataTransfer) {
        event.dataTransfer.dropEffect = "copy";
      }
    });
    zone.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (depth === 0) {
        zone.classList.remove("is-dragging");
      }
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      depth = 0;
      zone.classList.remove("is-dragging");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) {
        const chosen = new DataTransfer(); // one file: the form imports one briefing at a time
        chosen.items.add(files[0]);
        input.files = chosen.files;
        describe(zone, input);
        input.focus();
      }
    });
    input.addEventListener("change", function () {
      describe(zone, input);
    });
  }

  function start() {
    document.querySelectorAll("[data-drop-zone]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
