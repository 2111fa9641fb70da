// Inside the embedded portal: tell the page around it how tall this page is (only a
// page whose origin may frame the portal), and offer a new tab when the browser
// blocks this frame's cookies. The host side is /embed.js.
(function () {
  const script = document.currentScript;
  const allowed = script.dataset.origins.split(" ");
  let host = null; // the embedding page's origin, once it has said hello

  function sendHeight() {
    if (host === null) return;
    // The document's own height, not the viewport's: the frame is sized to it.
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: "tixallo-portal:height", height: height }, host);
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !allowed.includes(event.origin)) return;
    if (!event.data || event.data.type !== "tixallo-portal:hello") return;
    host = event.origin;
    sendHeight();
  });

  new ResizeObserver(sendHeight).observe(document.documentElement);

  // The CSRF cookie comes with every page; missing, the browser refused it, and a
  // form sent from here would fail. (Deferred: the DOM is parsed by now.)
  const name = script.dataset.csrfCookie + "=";
  const hasCookie = document.cookie.split("; ").some(function (c) {
    return c.startsWith(name);
  });
  if (!navigator.cookieEnabled || !hasCookie) {
    document.getElementById("embed-cookies").hidden = false;
  }
})();
