/* Article page: "复制链接" and the browser's own share sheet (Web Share API)
   where it exists. Without JavaScript the plain link stays; no third party. */
(function () {
  "use strict";
  var box = document.querySelector(".share");
  if (!box) {
    return;
  }
  var link = box.querySelector(".share-link");
  var status = box.querySelector(".share-status");
  var url = link.href;
  var title = box.getAttribute("data-share-title") || document.title;

  function say(text) {
    status.textContent = text;
  }

  var copy = box.querySelector(".share-copy");
  if (copy && navigator.clipboard && navigator.clipboard.writeText) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(
        function () {
          say("链接已复制");
        },
        function () {
          say("无法复制，请长按或右键上面的“本文链接”");
        }
      );
    });
  }

  var native = box.querySelector(".share-native");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: title, url: url }).catch(function () {
        /* cancelled by the reader: nothing to say */
      });
    });
  }
})();
