/* finews 热门: count this read with one beacon (article pages), and fill the
   top-10 box from /hot/box/ (home and article pages). No third-party script;
   the browser id is a random number kept in this browser's localStorage,
   sent only to this site. */
(function () {
  "use strict";
  var KEY = "finews-reader";

  function browserId() {
    try {
      var id = window.localStorage.getItem(KEY);
      if (!/^[0-9a-f]{32}$/.test(id || "")) {
        var bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        id = Array.prototype.map.call(bytes, function (b) {
          return (b + 256).toString(16).slice(1);
        }).join("");
        window.localStorage.setItem(KEY, id);
      }
      return id;
    } catch (e) {
      return "";
    }
  }

  function sendBeacon(page) {
    var data = new URLSearchParams();
    data.set("a", page.getAttribute("data-hot-article"));
    var id = browserId();
    if (id) {
      data.set("b", id);
    }
    navigator.sendBeacon(page.getAttribute("data-hot-beacon"), data);
  }

  var page = document.querySelector("[data-hot-beacon]");
  if (page && navigator.sendBeacon && window.URLSearchParams) {
    // A page prerendered or opened in a background tab counts once it is seen.
    if (document.visibilityState === "visible" && !document.prerendering) {
      sendBeacon(page);
    } else {
      var onShow = function () {
        if (document.visibilityState === "visible" && !document.prerendering) {
          document.removeEventListener("visibilitychange", onShow);
          document.removeEventListener("prerenderingchange", onShow);
          sendBeacon(page);
        }
      };
      document.addEventListener("visibilitychange", onShow);
      document.addEventListener("prerenderingchange", onShow);
    }
  }

  var box = document.querySelector("[data-hot-box-url]");
  if (!box || !window.fetch) {
    return;
  }
  fetch(box.getAttribute("data-hot-box-url"), { credentials: "same-origin" })
    .then(function (response) {
      return response.ok ? response.text() : "";
    })
    .then(function (html) {
      if (html.trim()) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        box.replaceChildren.apply(box, Array.prototype.slice.call(parsed.body.childNodes));
      }
    })
    .catch(function () {});
})();
