/* The reader's theme: loaded in <head> without defer, so a theme chosen
   earlier (localStorage) is on <html data-theme> before the first paint.
   With no choice stored, the CSS follows prefers-color-scheme. */
(function () {
  "use strict";
  var KEY = "finews-theme";
  var root = document.documentElement;
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "dark" || value === "light" ? value : null;
    } catch (e) {
      return null; // storage blocked: follow the system
    }
  }

  function current() {
    return stored() || (dark && dark.matches ? "dark" : "light");
  }

  var choice = stored();
  if (choice) {
    root.setAttribute("data-theme", choice);
  }

  function label(button) {
    var isDark = current() === "dark";
    button.setAttribute("aria-pressed", isDark ? "true" : "false");
    button.textContent = isDark ? "浅色" : "深色";
    button.title = isDark ? "切换到浅色模式" : "切换到深色模式";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) {
      return;
    }
    label(button);
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try {
        window.localStorage.setItem(KEY, next);
      } catch (e) {
        /* not remembered, but switched for this page */
      }
      label(button);
    });
    if (dark && dark.addEventListener) {
      dark.addEventListener("change", function () {
        label(button);
      });
    }
  });
})();
