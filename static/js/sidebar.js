/* finews: fill the sidebar of category, tag, search and "all news" pages with
   the home page's (busiest sources, newest headlines) from /sidebar/.
   The fragment is the site's own HTML, escaped by its templates. Without
   JavaScript the sidebar keeps its static links. */
(function () {
  "use strict";
  var box = document.querySelector("[data-sidebar-url]");
  if (!box || !window.fetch) {
    return;
  }
  fetch(box.getAttribute("data-sidebar-url"), { credentials: "same-origin" })
    .then(function (response) {
      return response.ok ? response.text() : "";
    })
    .then(function (html) {
      if (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        box.replaceChildren.apply(box, Array.prototype.slice.call(parsed.body.childNodes));
      }
    })
    .catch(function () {});
})();
