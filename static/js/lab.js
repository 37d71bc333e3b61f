/* The lab's stepper, made nicer with JavaScript (the plain links work without it):
   - ← and → step one event (not while typing in a field or scrolling the timeline);
   - after an htmx step, focus returns to the same link and the new event is announced politely;
   - Play steps forward at a readable pace until the last event or Pause.
   With prefers-reduced-motion, Play waits longer between steps. */
(function () {
  "use strict";

  var PACE_MS = 1200;
  var REDUCED_PACE_MS = 2500;
  var playing = null; // the .lab element being played, if any
  var timer = null;
  var lastJump = null; // data-jump of the link that started the request, to refocus it

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function labOf(element) {
    return element && element.closest ? element.closest(".lab") : null;
  }

  function stepperLab() {
    var lab = labOf(document.activeElement);
    if (lab && lab.querySelector(".stepper")) return lab;
    return document.querySelector(".lab .stepper") ? labOf(document.querySelector(".lab .stepper")) : null;
  }

  function link(lab, jump) {
    return lab ? lab.querySelector('[data-jump="' + jump + '"]') : null;
  }

  function follow(anchor) {
    if (!anchor) return false;
    lastJump = anchor.getAttribute("data-jump");
    anchor.click(); // htmx handles it when loaded; otherwise the browser follows the href
    return true;
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, select, textarea, [contenteditable], .timeline__scroll, summary"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    if (typing(event.target)) return;
    var lab = stepperLab();
    var jump = event.key === "ArrowRight" ? "next-event" : "previous-event";
    if (follow(link(lab, jump))) event.preventDefault();
  });

  function setPlayButton(lab) {
    if (!lab) return;
    var button = lab.querySelector("[data-play]");
    if (!button) return;
    var on = playing === lab;
    button.hidden = false;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? "❚❚ Pause" : "▶ Play";
  }

  function stop() {
    var lab = playing;
    playing = null;
    if (timer) window.clearTimeout(timer);
    timer = null;
    setPlayButton(lab);
  }

  function tick() {
    timer = null;
    if (!playing) return;
    var next = link(playing, "next-event");
    if (!next) {
      stop();
      return;
    }
    var active = document.activeElement;
    lastJump = active && active.hasAttribute && active.hasAttribute("data-play") ? "play" : null;
    next.click();
  }

  function schedule() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(tick, reducedMotion() ? REDUCED_PACE_MS : PACE_MS);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-play]") : null;
    if (!button) return;
    var lab = labOf(button);
    if (playing === lab) {
      stop();
      return;
    }
    stop();
    playing = lab;
    setPlayButton(lab);
    lastJump = "play";
    schedule();
  });

  function prepare(root) {
    var labs = root.querySelectorAll ? root.querySelectorAll(".lab") : [];
    labs.forEach(function (lab) {
      setPlayButton(lab);
      lab.querySelectorAll("[data-keys-hint]").forEach(function (hint) { hint.hidden = false; });
    });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    var lab = labOf(target) || labOf(document.activeElement);
    prepare(document);
    if (!lab) return;
    var announce = lab.querySelector("[data-step-announce]");
    var live = lab.querySelector("[data-step-live]");
    if (announce && live) live.textContent = announce.textContent.replace(/\s+/g, " ").trim();
    if (playing === lab) {
      var focusPlay = lab.querySelector("[data-play]");
      if (focusPlay && lastJump === "play") focusPlay.focus();
      lastJump = null;
      if (link(lab, "next-event")) schedule();
      else stop();
      return;
    }
    if (lastJump) {
      var again = link(lab, lastJump) || link(lab, lastJump.replace(/^(next|previous)/, function (way) {
        return way === "next" ? "previous" : "next";
      }));
      if (again) again.focus();
      lastJump = null;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    // A stepper link followed from the keyboard (Enter) keeps the focus after the swap.
    if (elt && elt === document.activeElement && elt.hasAttribute("data-jump")) {
      lastJump = elt.getAttribute("data-jump");
    }
  });

  document.addEventListener("htmx:responseError", stop);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  } else {
    prepare(document);
  }
})();

/* The event log's folded parts (templates/lab/_event_log.html): a link to a line, such as a
   timeline bar's #log-ev-N, opens the <details> holding it before the browser scrolls there.
   Browsers that follow the HTML "ancestor revealing algorithm" do this themselves; this covers
   the others, a link to the line already in the address bar, and a page opened at one. */
(function () {
  "use strict";

  function reveal(id) {
    var target = id ? document.getElementById(id) : null;
    if (!target) return null;
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) node.open = true;
    }
    return target;
  }

  function idOf(href) {
    if (!href || href.charAt(0) !== "#") return "";
    try {
      return decodeURIComponent(href.slice(1));
    } catch (error) {
      return "";
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a") : null;
    if (!link) return;
    var id = idOf(link.getAttribute("href"));
    if (id.indexOf("log-ev-") !== 0) return;
    var target = reveal(id);
    if (target && window.location.hash === "#" + id) {
      target.scrollIntoView(); // the same hash again: no navigation, so scroll here
    }
  }, true);

  function fromAddress() {
    var id = idOf(window.location.hash);
    if (id.indexOf("log-ev-") !== 0) return;
    var target = document.getElementById(id);
    if (!target) return;
    var closed = target.closest && target.closest("details:not([open])");
    reveal(id);
    if (closed) target.scrollIntoView();
  }

  window.addEventListener("hashchange", fromAddress);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fromAddress);
  } else {
    fromAddress();
  }
})();
