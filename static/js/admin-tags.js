// Tag autocomplete in the article form: suggests existing tags for the name
// being typed (after the last comma, 、 or ；) through a <datalist>; picking a
// suggestion keeps the names typed before it.
(function () {
  "use strict";
  var SEPARATORS = /[,，、;；]/;

  function attach(input) {
    var list = document.createElement("datalist");
    list.id = "tag-suggestions-" + (input.id || "field");
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.parentNode.insertBefore(list, input.nextSibling);
    var url = input.dataset.suggestUrl;
    var timer = null;
    var last = null;

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = input.value;
        var parts = value.split(SEPARATORS);
        var term = parts[parts.length - 1].trim();
        if (!term || term === last) { return; }
        last = term;
        var head = value.slice(0, value.length - parts[parts.length - 1].length);
        fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { tags: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.tags.forEach(function (name) {
              var option = document.createElement("option");
              option.value = head + name;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("id_tags");
    if (input && input.dataset.suggestUrl) { attach(input); }
  });
})();
