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

  document.addEventListener("DOMContentLoaded", function () {
    enhanceTabs(document);
    enhancePrint(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) { enhanceTabs(event.target); });
})();
