// Progressive enhancement only: the page reads fine without this file.

// On narrow screens the section navigation scrolls sideways: bring the current section into view.
(function () {
  "use strict";
  var list = document.querySelector(".section-nav-list");
  var current = list && list.querySelector("[aria-current]");
  if (!current || list.scrollWidth <= list.clientWidth) return;
  var offset = current.getBoundingClientRect().left - list.getBoundingClientRect().left;
  list.scrollLeft += offset - (list.clientWidth - current.offsetWidth) / 2;
})();

// Shows recent story times as "3 hours ago"; the full date stays in the title and datetime.
(function () {
  "use strict";
  var rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat("en", { numeric: "auto" }) : null;
  if (!rtf) return;
  var now = Date.now();
  document.querySelectorAll(".story-meta time[datetime]").forEach(function (el) {
    var then = Date.parse(el.getAttribute("datetime"));
    if (isNaN(then)) return;
    var minutes = Math.round((then - now) / 60000);
    if (minutes > 0 || minutes < -24 * 60) return;
    el.textContent = minutes > -60 ? rtf.format(Math.min(minutes, -1), "minute") : rtf.format(Math.round(minutes / 60), "hour");
  });
})();

// Counts a read for "Most read": one cookie-free beacon after the page is shown.
(function () {
  "use strict";
  var article = document.querySelector("[data-view-beacon]");
  if (!article || !navigator.sendBeacon || document.visibilityState === "prerender") return;
  navigator.sendBeacon(article.getAttribute("data-view-beacon"));
})();
