/* Briefing Room: the running session's two screens, the facilitator console and the presenter view.

   - Countdowns. The server keeps the clock; each fragment carries the seconds left and the phase as data
     attributes (data-step-remaining, data-session-remaining, data-phase, data-warn-at). This script counts
     down from those values, from the moment the fragment arrived (performance.now()), until the next one.
   - Announcements. A step nearing its end or running over is announced once, politely; the ticking numbers
     are never announced.
   - htmx glue. 422 and 429 answers (a refused change, or one sent too fast, with its message and what was
     typed) are swapped like any other; an older poll answer never replaces a newer screen; a list or the scribe forms are not redrawn
     while someone is typing in them.
   - The presenter's keys (listed on screen): → Space N PageDown next, ← P PageUp back, K Pause pause or
     resume. They send the console's own POSTs. Long steps are shown a page at a time.

   No inline script and no eval: the page's CSP forbids both. */
(function () {
  "use strict";

  const PHASE_TEXT = {
    running: "On time",
    warning: "Nearly time",
    over: "Time is up",
    paused: "Paused",
    ended: "Ended",
  };
  const TICKING = new Set(["running", "warning", "over"]);

  function twoDigits(number) {
    return String(number).padStart(2, "0");
  }

  /* The same text as run.py's clock_text: "1:05" while time is left, "+0:15 over" after. */
  function clockText(seconds) {
    if (seconds > 0) {
      const whole = Math.ceil(seconds);
      return `${Math.floor(whole / 60)}:${twoDigits(whole % 60)}`;
    }
    const whole = Math.floor(-seconds);
    return `+${Math.floor(whole / 60)}:${twoDigits(whole % 60)} over`;
  }

  function setText(element, text) {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  function announce(text) {
    const region = document.querySelector("[data-announcer]");
    if (region) {
      region.textContent = text;
    }
  }

  // --- countdowns ------------------------------------------------------------------------------------------

  const clocks = new WeakMap();
  const seen = { step: null, phase: null }; // what the last tick showed, for announcing changes once

  function startClock(root) {
    clocks.set(root, {
      arrived: performance.now(),
      step: parseFloat(root.dataset.stepRemaining),
      session: parseFloat(root.dataset.sessionRemaining),
      phase: root.dataset.phase,
      warnAt: parseFloat(root.dataset.warnAt) || 0,
    });
  }

  function tick() {
    document.querySelectorAll("[data-clock]").forEach(function (root) {
      if (!clocks.has(root)) {
        startClock(root);
      }
      const clock = clocks.get(root);
      const ticking = TICKING.has(clock.phase);
      const elapsed = ticking ? (performance.now() - clock.arrived) / 1000 : 0;
      const step = clock.step - elapsed;
      let phase = clock.phase;
      if (ticking) {
        phase = step < 0 ? "over" : step <= clock.warnAt ? "warning" : "running";
      }
      setText(root.querySelector('[data-countdown="step"]'), clockText(step));
      setText(root.querySelector('[data-countdown="session"]'), clockText(clock.session - elapsed));
      if (root.dataset.phase !== phase) {
        root.dataset.phase = phase;
      }
      setText(root.querySelector("[data-phase-text]"), PHASE_TEXT[phase] || phase);
      announceChanges(root, phase);
    });
  }

  function announceChanges(root, phase) {
    const step = root.dataset.step;
    const presenter = root.id === "stage";
    if (seen.step !== step) {
      if (seen.step !== null && presenter && root.dataset.title) {
        announce(`Step ${Number(step) + 1} of ${root.dataset.count}: ${root.dataset.title}`);
      }
      seen.step = step;
      seen.phase = phase;
      return;
    }
    if (seen.phase === phase) {
      return;
    }
    if (phase === "warning" && seen.phase === "running") {
      announce("Nearly time: this step is almost over.");
    } else if (phase === "over" && (seen.phase === "running" || seen.phase === "warning")) {
      announce("Time is up for this step.");
    } else if (presenter && phase === "paused") {
      announce("Paused.");
    } else if (presenter && seen.phase === "paused" && TICKING.has(phase)) {
      announce("Resumed.");
    }
    seen.phase = phase;
  }

  // --- htmx: refused changes, stale polls, and not redrawing what someone is typing -----------------------------

  document.addEventListener("htmx:beforeSwap", function (event) {
    const detail = event.detail;
    if (detail.xhr.status === 422 || detail.xhr.status === 429) {
      // A refused change (or one sent too fast: 429): the answer is the form with its message and what was typed.
      detail.shouldSwap = true;
      detail.isError = false;
      return;
    }
    const target = detail.target;
    if (target && target.id === "run-status") {
      chosenStep = choosingAStep(target);
    }
    if (detail.xhr.status === 200 && target && target.dataset && target.dataset.version) {
      // A poll's answer that a click's answer overtook would show an older state for a second: drop it.
      const match = /data-version="(\d+)"/.exec(detail.serverResponse || "");
      if (match && Number(match[1]) < Number(target.dataset.version)) {
        detail.shouldSwap = false;
      }
    }
  });

  /* A step chosen in "Go to step" but not gone to yet is chosen again after a poll redraws the status. */
  let chosenStep = null;

  function choosingAStep(status) {
    const select = status.querySelector("select");
    const shown = select && Array.from(select.options).find((option) => option.defaultSelected);
    return shown && select.value !== shown.value ? select.value : null;
  }

  function chooseAgain(status) {
    const select = status.querySelector("select");
    if (chosenStep !== null && select && Array.from(select.options).some((option) => option.value === chosenStep)) {
      select.value = chosenStep;
    }
    chosenStep = null;
  }

  function isBeingEdited(element) {
    const fields = element.querySelectorAll("textarea, input[type=text], input[type=date]");
    for (const field of fields) {
      if (field.value !== field.defaultValue) {
        return true;
      }
    }
    return Boolean(element.querySelector("details.run-response-edit[open]"));
  }

  let redrawWhenFree = false;

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const target = event.detail.target;
    if (target && target.matches && target.matches("[data-announcer]")) {
      // The same news again (a poll while a draft holds the old step's forms) is not read out again.
      if (event.detail.fragment.textContent.trim() === target.textContent.trim()) {
        event.preventDefault();
      }
      return;
    }
    if (!target || !target.matches || !target.matches("[data-keep-while-editing]") || !isBeingEdited(target)) {
      return;
    }
    // Someone is typing here: keep it. It is redrawn once they add, save or clear what they typed.
    event.preventDefault();
    redrawWhenFree = true;
    if ((target.id === "step-work" || target.id === "take-part-work") && !target.querySelector("[data-behind-note]")) {
      const note = document.createElement("p");
      note.className = "run-behind-note";
      note.dataset.behindNote = "";
      note.textContent =
        "The session has moved to another step. These forms stay until you add or clear what you typed.";
      target.prepend(note);
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    const detail = event.detail;
    const poller = detail.elt.id === "run-status" ? "version" : detail.elt.id === "take-part-status" ? "stage" : null;
    if (!redrawWhenFree || detail.verb !== "get" || !poller) {
      return;
    }
    const busy = Array.from(document.querySelectorAll("[data-keep-while-editing]")).some(isBeingEdited);
    if (!busy) {
      detail.parameters[poller] = "0"; // ask for everything again
      redrawWhenFree = false;
    }
  });

  // A button marked aria-disabled (Previous on the first step, Next on the last) stays focusable but does nothing.
  document.addEventListener(
    "click",
    function (event) {
      const disabled = event.target.closest && event.target.closest('[aria-disabled="true"]');
      if (disabled) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );

  // --- forms: a live character count, and Ctrl+Enter to add ------------------------------------------------------

  function showCount(textarea) {
    const output = document.getElementById(textarea.dataset.count);
    if (output) {
      const limit = textarea.maxLength > 0 ? textarea.maxLength : 2000;
      setText(output, `${textarea.value.length.toLocaleString("en-GB")} of ${limit.toLocaleString("en-GB")} characters`);
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-count]")) {
      showCount(event.target);
    }
  });

  document.addEventListener("keydown", function (event) {
    const field = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && field.matches && field.matches("textarea")) {
      event.preventDefault();
      if (field.form) {
        field.form.requestSubmit();
      }
    }
  });

  /* Redact: words selected in a response before opening "Redact" are put in its "Words to redact" field. The
     selection is read on pointerdown/keydown, before opening the disclosure clears it. */
  let selectedWords = "";

  function rememberSelection(event) {
    const summary = event.target.closest && event.target.closest("details.run-redact > summary");
    if (!summary) {
      return;
    }
    const item = summary.closest(".run-response");
    const selection = window.getSelection ? window.getSelection() : null;
    const text = item && item.querySelector(".run-response__text");
    selectedWords =
      selection && text && !selection.isCollapsed && text.contains(selection.anchorNode) ? selection.toString().trim() : "";
  }

  document.addEventListener("pointerdown", rememberSelection, true);
  document.addEventListener("keydown", rememberSelection, true);
  document.addEventListener(
    "toggle",
    function (event) {
      const details = event.target;
      if (!details.matches || !details.matches("details.run-redact") || !details.open || !selectedWords) {
        return;
      }
      const field = details.querySelector("input[name=part]");
      if (field && !field.value) {
        field.value = selectedWords;
      }
      selectedWords = "";
    },
    true,
  );

  // --- the presenter: pages and keys ---------------------------------------------------------------------------

  const pager = { step: null, page: 0, pages: 1, shown: new Set() };

  function stage() {
    return document.getElementById("stage");
  }

  function geometry(viewport) {
    const content = viewport.firstElementChild;
    const gap = parseFloat(getComputedStyle(content).columnGap) || 0;
    const width = viewport.clientWidth;
    return { gap: gap, width: width, stride: width + gap };
  }

  /* Lay the step out in screen-sized pages and show the current one; after an update, stay on the same page,
     or go to the page of something just added. */
  function layout() {
    const current = stage();
    const viewport = current && current.querySelector("[data-pages]");
    if (!viewport) {
      return;
    }
    viewport.classList.add("is-paginated");
    const { gap, stride } = geometry(viewport);
    pager.pages = Math.max(1, Math.round((viewport.scrollWidth + gap) / stride));
    const items = Array.from(viewport.querySelectorAll("[data-response-id]"));
    if (pager.step !== current.dataset.step) {
      pager.step = current.dataset.step;
      pager.page = 0;
      pager.shown = new Set(items.map((item) => item.dataset.responseId));
    } else {
      const added = items.filter((item) => !pager.shown.has(item.dataset.responseId));
      items.forEach((item) => pager.shown.add(item.dataset.responseId));
      if (added.length) {
        const box = viewport.getBoundingClientRect();
        const left = added[added.length - 1].getBoundingClientRect().left - box.left + viewport.scrollLeft;
        pager.page = Math.floor((left + 1) / stride);
      }
    }
    pager.page = Math.min(Math.max(pager.page, 0), pager.pages - 1);
    viewport.scrollLeft = pager.page * stride;
    const indicator = current.querySelector("[data-page-indicator]");
    if (pager.pages > 1) {
      const more = pager.page < pager.pages - 1 ? " · → for more" : "";
      setText(indicator, `Page ${pager.page + 1} of ${pager.pages}${more}`);
    } else {
      setText(indicator, "");
    }
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function send(url, values) {
    const current = stage();
    htmx.ajax("POST", url, {
      source: current,
      target: "#stage",
      swap: "outerHTML",
      values: Object.assign({ view: "present" }, values),
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  function move(by) {
    const current = stage();
    const from = Number(current.dataset.step);
    const to = from + by;
    if (to < 0 || to >= Number(current.dataset.count)) {
      announce(to < 0 ? "This is the first step." : "This is the last step.");
      return;
    }
    send(current.dataset.moveUrl, { from_step: String(from), to_step: String(to) });
  }

  function forward() {
    if (pager.page < pager.pages - 1) {
      pager.page += 1;
      layout();
    } else {
      move(1);
    }
  }

  function back() {
    if (pager.page > 0) {
      pager.page -= 1;
      layout();
    } else {
      move(-1);
    }
  }

  function togglePause() {
    const current = stage();
    const clock = clocks.get(current);
    const paused = (clock ? clock.phase : current.dataset.phase) === "paused";
    send(paused ? current.dataset.resumeUrl : current.dataset.pauseUrl, {});
  }

  function presenterKeys(event) {
    const current = stage();
    if (!current || !current.dataset.moveUrl || !current.hasAttribute("hx-get")) {
      return; // no stage, or the session has ended
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return; // never take keys from someone typing
    }
    const onControl = target.closest && target.closest("a, button, summary");
    const key = event.key;
    if (key === "ArrowRight" || key === "PageDown" || key === "n" || key === "N" || (key === " " && !onControl && !event.shiftKey)) {
      event.preventDefault();
      forward();
    } else if (key === "ArrowLeft" || key === "PageUp" || key === "p" || key === "P") {
      event.preventDefault();
      back();
    } else if (key === "k" || key === "K" || key === "Pause") {
      event.preventDefault();
      togglePause();
    }
  }

  // --- start ----------------------------------------------------------------------------------------------------

  function start(element) {
    const roots = [];
    if (element.matches && element.matches("[data-clock]")) {
      roots.push(element);
    }
    if (element.querySelectorAll) {
      roots.push(...element.querySelectorAll("[data-clock]"));
      element.querySelectorAll("textarea[data-count]").forEach(showCount);
    }
    roots.forEach(startClock);
    roots.filter((root) => root.id === "run-status").forEach(chooseAgain);
    if (roots.length) {
      tick();
    }
    if (document.querySelector("[data-presenter]") && (element === document.body || roots.some((root) => root.id === "stage"))) {
      layout();
    }
  }

  function ready() {
    if (window.htmx) {
      htmx.onLoad(start);
    } else {
      start(document.body);
    }
    window.setInterval(tick, 200);
    if (document.querySelector("[data-presenter]")) {
      document.addEventListener("keydown", presenterKeys);
      window.addEventListener("resize", layout);
      if (document.fonts && document.fonts.ready) {
        document.fonts.ready.then(layout);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
