// A send that takes more than a moment (a slow helpdesk): "Sending…" on the button and
// aria-busy on the form, until the answer arrives (htmx) or the next page loads.
// The button carries its busy wording in data-busy-label (translated by the server).
(function () {
  const BUSY_AFTER_MS = 500; // quicker answers never flash the label
  const timers = new WeakMap();

  function start(form) {
    const button = form.querySelector("button[data-busy-label]");
    if (!button || timers.has(form)) return;
    timers.set(form, setTimeout(function () {
      form.setAttribute("aria-busy", "true");
      button.dataset.idleLabel = button.textContent;
      button.textContent = button.dataset.busyLabel;
    }, BUSY_AFTER_MS));
  }

  function stop(form) {
    clearTimeout(timers.get(form));
    timers.delete(form);
    form.removeAttribute("aria-busy");
    const button = form.querySelector("button[data-idle-label]");
    if (button) button.textContent = button.dataset.idleLabel;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.tagName === "FORM") start(event.detail.elt);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt.tagName === "FORM") stop(event.detail.elt);
  });
  // Forms htmx does not send (htmx not loaded yet, or plain ones): the page changes.
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented && !event.target.hasAttribute("hx-post")) start(event.target);
  });
  // Back to a page kept in the back/forward cache: not busy any more.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy]").forEach(stop);
  });
})();
