// Progressive enhancement only: the page reads fine without this file.
// Kept off the critical path: nothing here forces a layout or builds an Intl formatter while
// the page loads unless there is something to change.

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
// The formatter is made only when a time is recent enough to change (it loads locale data).
(function () {
  "use strict";
  if (!window.Intl || !Intl.RelativeTimeFormat) return;
  var now = Date.now();
  var recent = [];
  document.querySelectorAll(".story-meta time[datetime]").forEach(function (el) {
    var minutes = Math.round((Date.parse(el.getAttribute("datetime")) - now) / 60000);
    if (minutes <= 0 && minutes >= -24 * 60) recent.push([el, minutes]); // NaN fails both
  });
  if (!recent.length) return;
  var rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  recent.forEach(function (item) {
    var minutes = item[1];
    item[0].textContent =
      minutes > -60 ? rtf.format(Math.min(minutes, -1), "minute") : rtf.format(Math.round(minutes / 60), "hour");
  });
})();

// Counts a read for "Most read": one cookie-free beacon after the page is shown.
(function () {
  "use strict";
  var article = document.querySelector("[data-view-beacon]");
  if (!article || !navigator.sendBeacon || document.visibilityState === "prerender") return;
  navigator.sendBeacon(article.getAttribute("data-view-beacon"));
})();
