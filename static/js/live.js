/* finews live updates: a listing page asks /api/latest.json for articles it
 * does not have (published after data-live-since, or with an id above
 * data-live-after-id) every data-live-poll seconds, not while the tab is
 * hidden; when there are some it shows "N 条新文章" and a click puts them on
 * top of the list. Text is set with textContent only. Without this script the
 * page just works. */
(function () {
  "use strict";

  var list = document.querySelector(".article-list[data-live-url]");
  var notice = document.querySelector(".live-notice");
  if (!list || !notice || !window.fetch || !window.URL) {
    return;
  }

  var endpoint = list.getAttribute("data-live-url");
  var since = list.getAttribute("data-live-since");
  var afterId = parseInt(list.getAttribute("data-live-after-id"), 10) || 0;
  var showCategory = list.getAttribute("data-live-show-category") !== "false";
  var flash = list.getAttribute("data-live-style") === "flash";
  /* An opt-in switch (the 7×24 timeline has one): new items go in without a click. */
  var auto = document.querySelector(".live-auto input");
  if (auto) {
    try {
      auto.checked = window.localStorage.getItem("finews-live-auto") === "1";
    } catch (e) {
      /* Storage may be refused; the switch then lasts for this page only. */
    }
    auto.addEventListener("change", function () {
      try {
        window.localStorage.setItem("finews-live-auto", auto.checked ? "1" : "0");
      } catch (e) {
        /* See above. */
      }
    });
    auto.parentNode.hidden = false;
  }
  var seconds = parseFloat(list.getAttribute("data-live-poll"));
  var interval = (seconds > 0 ? seconds : 60) * 1000;
  var timer = null;
  var lastPoll = Date.now();
  var busy = false;

  function latestUrl() {
    var url = new URL(endpoint, window.location.href);
    url.searchParams.set("since", since);
    url.searchParams.set("after_id", String(afterId));
    return url.toString();
  }

  function shownIds() {
    var ids = {};
    var cards = list.querySelectorAll("[data-id]");
    for (var i = 0; i < cards.length; i += 1) {
      ids[cards[i].getAttribute("data-id")] = true;
    }
    return ids;
  }

  /* The answer without the articles the list shows already. */
  function fetchLatest() {
    return window
      .fetch(latestUrl(), { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("latest.json answered " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var shown = shownIds();
        data.articles = data.articles.filter(function (article) {
          return !shown[String(article.id)];
        });
        return data;
      });
  }

  function showNotice(data) {
    var count = data.articles.length;
    if (!count) {
      notice.hidden = true;
      return;
    }
    notice.textContent = (data.more ? "超过 " + count : count) + (flash ? " 条新快讯" : " 条新文章") + "，点击查看";
    notice.hidden = false;
  }

  function poll() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    lastPoll = Date.now();
    fetchLatest()
      .then(function (data) {
        if (auto && auto.checked && data.articles.length) {
          insert(data);
        } else {
          showNotice(data);
        }
      })
      .catch(function () {
        /* A failed poll is retried at the next tick; the page stays as it is. */
      })
      .then(function () {
        busy = false;
      });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function link(href, className, text) {
    var node = element("a", className, text);
    node.href = href;
    return node;
  }

  /* The same markup as templates/articles/_card.html. */
  function card(article) {
    var root = element("article", "card is-new");
    root.setAttribute("data-id", String(article.id));
    var time = element("time", "", article.published_display);
    time.setAttribute("datetime", article.published_at);
    root.appendChild(time);
    var main = element("div", "card-main");
    var title = element("h2", "card-title");
    title.appendChild(link(article.url, "", article.title));
    main.appendChild(title);
    if (article.summary) {
      main.appendChild(element("p", "summary", article.summary));
    }
    root.appendChild(main);
    if (showCategory) {
      root.appendChild(link(article.category.url, "cat", article.category.name));
    }
    return root;
  }

  /* The same markup as templates/articles/_flash_item.html (tags are left to a reload). */
  function flashItem(article) {
    var root = element("li", "flash-item is-new" + (article.important ? " is-important" : ""));
    root.setAttribute("data-id", String(article.id));
    var time = element("time", "", article.clock);
    time.setAttribute("datetime", article.published_at);
    root.appendChild(time);
    var body = element("div", "flash-body");
    var text = element("p", "flash-text");
    if (article.important) {
      text.appendChild(element("span", "flash-mark", "重要"));
    }
    text.appendChild(link(article.url, "flash-title", "【" + article.title + "】"));
    if (article.summary) {
      text.appendChild(document.createTextNode(article.summary));
    }
    var meta = element("span", "flash-meta");
    meta.appendChild(element("span", "flash-source", article.source));
    text.appendChild(meta);
    body.appendChild(text);
    root.appendChild(body);
    return root;
  }

  /* The list of the item's day, at the top of the timeline (a new 今天 section if needed). */
  function flashDayList(article) {
    var first = list.querySelector(".flash-day");
    if (first && first.getAttribute("data-day") === article.day) {
      return first.querySelector(".flash-items");
    }
    var section = element("section", "flash-day");
    section.setAttribute("data-day", article.day);
    section.appendChild(element("h2", "flash-date", "今天"));
    var items = element("ol", "flash-items");
    section.appendChild(items);
    list.insertBefore(section, list.firstChild);
    return items;
  }

  function insert(data) {
    if (data.more) {
      /* Too many to add one by one: the first page shows the newest anyway. */
      window.location.reload();
      return;
    }
    var empty = list.querySelector(".empty");
    if (empty && data.articles.length) {
      empty.remove();
    }
    for (var i = data.articles.length - 1; i >= 0; i -= 1) {
      if (flash) {
        var items = flashDayList(data.articles[i]);
        items.insertBefore(flashItem(data.articles[i]), items.firstChild);
      } else {
        list.insertBefore(card(data.articles[i]), list.firstChild);
      }
    }
    since = data.cursor.since;
    afterId = data.cursor.after_id;
    notice.hidden = true;
  }

  notice.addEventListener("click", function () {
    notice.disabled = true;
    fetchLatest()
      .then(insert)
      .catch(function () {
        window.location.reload();
      })
      .then(function () {
        notice.disabled = false;
      });
  });

  function schedule() {
    window.clearInterval(timer);
    timer = window.setInterval(poll, interval);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearInterval(timer);
      timer = null;
      return;
    }
    if (Date.now() - lastPoll >= interval) {
      poll();
    }
    schedule();
  });

  schedule();
})();
