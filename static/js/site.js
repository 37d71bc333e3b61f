// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Code tabs: without JS every panel shows with its label; with JS they become ARIA tabs.
  function enhanceTabs(root) {
    root.querySelectorAll("[data-tabs]:not([data-tabs-ready])").forEach(function (box, boxIndex) {
      var panels = Array.prototype.slice.call(box.querySelectorAll(":scope > [data-tab-label]"));
      if (panels.length < 2) return;
      box.setAttribute("data-tabs-ready", "");
      var list = document.createElement("div");
      list.setAttribute("role", "tablist");
      list.setAttribute("aria-label", box.getAttribute("data-tabs") || "Code examples");
      var tabs = panels.map(function (panel, i) {
        var id = "tabs-" + boxIndex + "-" + i;
        var tab = document.createElement("button");
        tab.type = "button";
        tab.setAttribute("role", "tab");
        tab.id = id + "-tab";
        tab.setAttribute("aria-controls", id);
        tab.textContent = panel.getAttribute("data-tab-label");
        panel.id = id;
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
        panel.setAttribute("tabindex", "0");
        var label = panel.querySelector(".code-tabs__label");
        if (label) label.hidden = true;
        list.appendChild(tab);
        return tab;
      });
      function select(index, focus) {
        tabs.forEach(function (tab, i) {
          var on = i === index;
          tab.setAttribute("aria-selected", on ? "true" : "false");
          tab.tabIndex = on ? 0 : -1;
          panels[i].hidden = !on;
        });
        if (focus) tabs[index].focus();
      }
      tabs.forEach(function (tab, i) {
        tab.addEventListener("click", function () { select(i, false); });
        tab.addEventListener("keydown", function (event) {
          var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
          if (next === undefined) return;
          event.preventDefault();
          select((next + tabs.length) % tabs.length, true);
        });
      });
      box.insertBefore(list, box.firstChild);
      select(0, false);
    });
  }

  // Print buttons (the exam receipt) are hidden until this script can make them work.
  function enhancePrint(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // CSRF on pages served from the public page cache (course/caching.py): such a page carries no
  // token (the same bytes for every visitor without a cookie), so the token comes from the
  // `csrftoken` cookie, which the page's own address sets when asked with X-CSRF-Cookie.
  function cookieToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  var pendingToken = null;
  function ensureToken() {
    var token = cookieToken();
    if (token) return Promise.resolve(token);
    if (!pendingToken) {
      pendingToken = fetch(window.location.pathname, {
        headers: { "X-CSRF-Cookie": "1" }, credentials: "same-origin", cache: "no-store"
      }).then(function () {
        pendingToken = null;
        return cookieToken();
      }, function () {
        pendingToken = null;
        return "";
      });
    }
    return pendingToken;
  }
  function isUnsafe(method) { return !/^(get|head|options)$/i.test(method || "get"); }

  // A POST form whose token field is empty waits for a token, fills it in, then submits again
  // (htmx's own submit handling then runs as usual).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var field = form.querySelector && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!field || field.value) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    ensureToken().then(function (token) {
      if (!token) return;
      form.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
        input.value = token;
      });
      if (form.requestSubmit) form.requestSubmit(event.submitter || undefined); else form.submit();
    });
  }, true);

  // htmx requests that change something wait for a token too, then send the cookie's value.
  document.addEventListener("htmx:confirm", function (event) {
    if (!isUnsafe(event.detail.verb) || cookieToken()) return;
    event.preventDefault();
    ensureToken().then(function () { event.detail.issueRequest(true); });
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var token = cookieToken();
    if (token && isUnsafe(event.detail.verb)) event.detail.headers["X-CSRFToken"] = token;
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhanceTabs(document);
    enhancePrint(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) { enhanceTabs(event.target); });
})();
