// Progressive enhancement only: without this file the rating buttons post a form and the
// article reloads with a thank-you. With it, the rating is sent in the background and the
// average, the count and the reader's choice update in place.
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams || !Element.prototype.replaceChildren) return;

  function span(className, text) {
    var el = document.createElement("span");
    el.className = className;
    el.textContent = text;
    return el;
  }

  // The same words and markup as ratings/widget.html.
  function showSummary(summary, average, count) {
    if (!count) {
      summary.textContent = "No ratings yet";
      return;
    }
    summary.replaceChildren(
      span("rating-average", average.toFixed(1)),
      " out of 5 from ",
      span("rating-count", String(count)),
      count === 1 ? " rating" : " ratings"
    );
  }

  function show(form, stars) {
    form.querySelectorAll("button[name=stars]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.value === String(stars)));
    });
  }

  function remembered(form) {
    try {
      return window.localStorage.getItem("rating:" + form.dataset.article);
    } catch (e) {
      return null;
    }
  }

  function remember(form, stars) {
    try {
      window.localStorage.setItem("rating:" + form.dataset.article, String(stars));
    } catch (e) {
      // Private browsing or storage disabled: nothing to remember, nothing lost.
    }
  }

  // The reader's earlier choice in this browser, restored when the browser is idle: the widget
  // sits below the article, and the first read of localStorage can block for a while.
  function restore() {
    document.querySelectorAll("form.rating-form").forEach(function (form) {
      var pressed = form.querySelector("[aria-pressed=true]");
      if (pressed) return remember(form, pressed.value);
      var stars = remembered(form);
      if (stars) show(form, stars);
    });
  }
  if (window.requestIdleCallback) window.requestIdleCallback(restore, { timeout: 2000 });
  else window.setTimeout(restore, 200);

  // One listener for every rating form, so loading the page does no work per form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form.rating-form")) return;
    var widget = form.closest(".rating-widget");
    var summary = widget.querySelector("[data-rating-summary]");
    var status = widget.querySelector(".rating-status");
    var button = event.submitter;
    if (!button || button.name !== "stars") return; // let the browser post the form
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      headers: { Accept: "application/json" },
      body: new URLSearchParams({ stars: button.value }),
      credentials: "same-origin",
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            if (!response.ok || !data.stars) throw { readerMessage: data.error };
            return data;
          });
      })
      .then(function (data) {
        showSummary(summary, data.average, data.count);
        show(form, data.stars);
        remember(form, data.stars);
        status.textContent =
          "Thanks: you rated this " + data.stars + " out of 5. You can change your rating at any time.";
      })
      .catch(function (error) {
        status.textContent =
          (error && error.readerMessage) || "Sorry, your rating could not be saved. Please try again.";
      })
      .finally(function () {
        form.removeAttribute("aria-busy");
      });
  });
})();
