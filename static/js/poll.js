// Asks elements marked data-poll-seconds for news by sending them htmx's "poll"
// event, only while the tab is visible. A swapped-in element without the mark
// (a closed ticket) is not polled again. No eval, so the CSP stays strict.
(function () {
  const due = new WeakMap();

  function poll(element) {
    due.set(element, Date.now() + Number(element.dataset.pollSeconds) * 1000);
    htmx.trigger(element, "poll");
  }

  setInterval(function () {
    if (document.visibilityState !== "visible") return;
    document.querySelectorAll("[data-poll-seconds]").forEach(function (element) {
      if (!due.has(element)) {
        due.set(element, Date.now() + Number(element.dataset.pollSeconds) * 1000);
      } else if (Date.now() >= due.get(element)) {
        poll(element);
      }
    });
  }, 1000);

  // Back to a hidden tab: catch up at once.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      document.querySelectorAll("[data-poll-seconds]").forEach(poll);
    }
  });
})();
