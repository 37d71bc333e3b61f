// The exam clock and autosave feedback. The server owns the clock: this only counts down from
// the seconds the server gave, re-syncs on every htmx response, and when it reaches zero submits
// the hidden timeout form so the server closes the attempt. Without this file every page still
// shows the time left as text and the server enforces the deadline.
(function () {
  "use strict";

  var HIDE_KEY = "exam-timer-hidden";

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" + mm : mm) + ":" + (s < 10 ? "0" : "") + s;
  }

  function spoken(seconds) {
    if (seconds <= 0) return "Time is up.";
    if (seconds < 60) return seconds + (seconds === 1 ? " second" : " seconds") + " left.";
    var minutes = Math.ceil(seconds / 60);
    var h = Math.floor(minutes / 60);
    var m = minutes % 60;
    var parts = [];
    if (h) parts.push(h + (h === 1 ? " hour" : " hours"));
    if (m) parts.push(m + (m === 1 ? " minute" : " minutes"));
    return parts.join(" ") + " left.";
  }

  function start() {
    var timer = document.getElementById("exam-timer");
    if (!timer) return;
    var clock = timer.querySelector("[data-timer-clock]");
    var warning = timer.querySelector("[data-timer-warning]");
    var announcer = timer.querySelector("[data-timer-announcer]");
    var toggle = timer.querySelector("[data-timer-toggle]");
    var total = Number(timer.getAttribute("data-total")) || 1;
    var endAt = 0;
    var lastBucket = null;
    var level = null;
    var finished = false;

    function sync(remaining) {
      if (!isFinite(remaining)) return;
      endAt = Date.now() + remaining * 1000;
    }

    function left() {
      return Math.max(0, Math.ceil((endAt - Date.now()) / 1000));
    }

    function setHidden(hidden) {
      timer.classList.toggle("exam-timer--hidden", hidden);
      toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
      toggle.textContent = hidden ? "Show timer" : "Hide timer";
      try { window.localStorage.setItem(HIDE_KEY, hidden ? "1" : ""); } catch (e) { /* private mode */ }
    }

    function announce(seconds) {
      // Once a minute; every 15 seconds in the last minute; never on the first tick.
      var bucket = seconds > 60 ? "m" + Math.ceil(seconds / 60) : "s" + Math.ceil(seconds / 15);
      if (lastBucket !== null && bucket !== lastBucket) {
        var hidden = timer.classList.contains("exam-timer--hidden");
        if (!hidden || seconds <= 60) announcer.textContent = spoken(seconds);
      }
      lastBucket = bucket;
    }

    function showLevel(seconds) {
      var next = seconds <= 0.05 * total ? "danger" : seconds <= 0.2 * total ? "warning" : "normal";
      if (next === level) return;
      level = next;
      timer.classList.remove("exam-timer--normal", "exam-timer--warning", "exam-timer--danger");
      timer.classList.add("exam-timer--" + next);
      warning.textContent = {
        normal: "",
        warning: "Less than 20% of your time is left.",
        danger: "Less than 5% of your time is left."
      }[next];
    }

    function finish() {
      if (finished) return;
      finished = true;
      warning.textContent = "Time is up. Submitting your saved answers…";
      announcer.textContent = "Time is up. Your exam is being submitted.";
      var form = document.getElementById("exam-timeout-form");
      // Let a save already on its way arrive first; the server allows a few seconds of grace.
      window.setTimeout(function () {
        if (form) form.submit(); else window.location.reload();
      }, 1500);
    }

    function tick() {
      var seconds = left();
      clock.textContent = format(seconds);
      showLevel(seconds);
      announce(seconds);
      if (seconds <= 0) finish();
    }

    sync(Number(timer.getAttribute("data-remaining")));
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setHidden(!timer.classList.contains("exam-timer--hidden"));
    });
    var stored = "";
    try { stored = window.localStorage.getItem(HIDE_KEY) || ""; } catch (e) { /* private mode */ }
    if (stored) setHidden(true);
    tick();
    window.setInterval(tick, 1000);

    // Every htmx response carries the server's time left: follow it.
    document.body.addEventListener("htmx:afterSettle", function () {
      var mark = document.querySelector("[data-exam-remaining]");
      if (mark) sync(Number(mark.getAttribute("data-exam-remaining")));
      tick();
    });
  }

  function autosaveFeedback() {
    var form = document.getElementById("exam-form");
    var failure = document.getElementById("save-failure");
    if (!form || !failure) return;

    function failed(why) {
      failure.hidden = false;
      failure.textContent = "";
      var text = document.createElement("span");
      text.textContent = "⚠ Not saved: " + why + " Your answer is still selected here. ";
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "button button--small";
      retry.textContent = "Retry saving";
      retry.addEventListener("click", function () {
        failure.textContent = "Retrying…";
        window.htmx.trigger(form, "change");
      });
      failure.appendChild(text);
      failure.appendChild(retry);
    }

    form.addEventListener("htmx:sendError", function () { failed("the server could not be reached."); });
    form.addEventListener("htmx:timeout", function () { failed("the server took too long to answer."); });
    form.addEventListener("htmx:responseError", function (event) {
      var status = event.detail.xhr ? event.detail.xhr.status : "";
      failed(status === 403 ? "your session has expired; reload the page." : "the server had a problem (" + status + ").");
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) { failure.hidden = true; failure.textContent = ""; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    start();
    autosaveFeedback();
  });
})();
