// Progressive enhancement only: the page reads fine without this file.
// Kept off the critical path: nothing here forces a layout while the page loads, or does
// anything unless there is something to change.

// On narrow screens the section navigation scrolls sideways: bring the current section into view.
// Measured in a ResizeObserver callback, which runs once the browser has laid the page out for
// its first frame, so reading sizes there costs nothing (reading them at once forced a layout).
(function () {
  "use strict";
  var list = document.querySelector(".section-nav-list");
  var current = list && list.querySelector("[aria-current]");
  if (!current || !window.ResizeObserver) return;
  var observer = new ResizeObserver(function () {
    observer.disconnect(); // once, at load: later the reader's own scrolling wins
    if (list.scrollWidth <= list.clientWidth) return;
    var offset = current.getBoundingClientRect().left - list.getBoundingClientRect().left;
    list.scrollLeft += offset - (list.clientWidth - current.offsetWidth) / 2;
  });
  observer.observe(list);
})();

// Shows recent story times as "3 hours ago"; the full date stays in the title and datetime.
// Plain English words, as the site is written: Intl.RelativeTimeFormat loads locale data,
// which made this the page's longest task while it loads (Lighthouse's blocking time).
(function () {
  "use strict";
  var now = Date.now();
  function ago(count, unit) {
    return count + " " + unit + (count === 1 ? "" : "s") + " ago";
  }
  document.querySelectorAll(".story-meta time[datetime]").forEach(function (el) {
    var minutes = Math.round((now - Date.parse(el.getAttribute("datetime"))) / 60000);
    if (!(minutes >= 0 && minutes <= 24 * 60)) return; // NaN fails too
    el.textContent = minutes < 60 ? ago(Math.max(minutes, 1), "minute") : ago(Math.round(minutes / 60), "hour");
  });
})();

// Counts a read for "Most read": one cookie-free beacon after the page is shown.
(function () {
  "use strict";
  var article = document.querySelector("[data-view-beacon]");
  if (!article || !navigator.sendBeacon || document.visibilityState === "prerender") return;
  navigator.sendBeacon(article.getAttribute("data-view-beacon"));
})();
