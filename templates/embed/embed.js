// The support portal, embedded: paste <script src=".../embed.js" async></script> where
// it should appear. This adds an iframe and keeps its height fitted to the page inside.
// Options are data-attributes on the script tag (README, "Embedding").
(function () {
  "use strict";
  var PORTAL = {{ portal|safe }}; // the portal's origin, written in by the server
  var TITLE = {{ title|safe }};
  var NEW_TAB = {{ new_tab|safe }}; // "Open support in a new tab", per language
  var SILENCE_MS = 4000; // after its page loaded, a frame that has not said hello is blocked
  var MIN_HEIGHT = 150;
  var MAX_HEIGHT = 20000; // a frame cannot make the host page endless

  var script = document.currentScript ||
    document.querySelector('script[src^="' + PORTAL + '/embed.js"]');
  if (!script || script.dataset.portalFrame) return; // this tag ran already: one frame
  script.dataset.portalFrame = "on";
  var data = script.dataset;

  var url = new URL("/embed/start/", PORTAL);
  var options = {
    lang: data.lang || document.documentElement.lang || navigator.language,
    accent: data.accent,
    subject: data.subject,
    priority: data.priority,
    form: data.form, // a request form's short name: opens it directly
    page: data.page,
    // A token to come (the host's server minted it for its signed-in customer): handed
    // to the frame's first page by message, never in its URL.
    identity: data.identityToken ? "1" : ""
  };
  Object.keys(options).forEach(function (key) {
    if (options[key]) url.searchParams.set(key, options[key]);
  });

  var frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = data.title || TITLE || "Support";
  frame.style.width = "100%";
  // Until the page inside says how tall it is: the snippet's first height (data-height),
  // so the host page does not jump when the frame fits its page.
  frame.style.height = clamp(Number(data.height) || 600) + "px";
  frame.style.border = "0";
  frame.style.display = "block";
  var target = data.target && document.querySelector(data.target);
  if (target) target.appendChild(frame); else script.after(frame);

  // Every page the frame loads is told who embeds it. The browser, not us, vouches
  // for our origin to it (event.origin), and it answers only an allowed origin.
  var loads = 0;
  var answered = false;
  frame.addEventListener("load", function () {
    frame.contentWindow.postMessage({ type: "tixallo-portal:hello" }, PORTAL);
    if (loads === 0 && data.identityToken) {
      // Only to the portal's origin: whatever else the frame shows gets no token.
      var handover = { type: "tixallo-portal:identity", token: data.identityToken };
      frame.contentWindow.postMessage(handover, PORTAL);
    }
    // After a navigation inside the frame, show its top if it was scrolled away.
    if (++loads > 1 && frame.getBoundingClientRect().top < 0) frame.scrollIntoView();
    if (loads === 1) setTimeout(diagnose, SILENCE_MS);
  });

  // A frame that never answers is one the browser refused to show (this site is not
  // among the portal's allowed sites) or one whose page failed: instead of a grey box,
  // a link to the portal in a new tab, and a word for whoever installs the snippet.
  function diagnose() {
    if (answered || !frame.parentNode) return;
    var lang = (options.lang || "en").slice(0, 2).toLowerCase();
    var link = document.createElement("a");
    link.href = new URL(data.page === "requests" ? "/tickets/" : "/", PORTAL).href;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = NEW_TAB[lang] || NEW_TAB.en;
    link.className = "tixallo-portal-new-tab";
    var box = document.createElement("p");
    box.appendChild(link);
    frame.replaceWith(box);
    console.warn(
      "Tixallo Portal: the support frame did not load. If this page's origin, " +
      window.location.origin + ", is not yet allowed to embed the portal, add it to " +
      "\"Sites allowed to embed the portal\" in the portal settings (Django admin) or to " +
      "PORTAL_ALLOWED_ORIGINS on " + PORTAL + "."
    );
  }

  window.addEventListener("message", function (event) {
    // Only our own frame, showing the portal: not another frame, not another origin.
    if (event.origin !== PORTAL || event.source !== frame.contentWindow) return;
    var message = event.data;
    if (!message || message.type !== "tixallo-portal:height") return;
    answered = true;
    var height = Number(message.height);
    if (!isFinite(height)) return;
    frame.style.height = clamp(height) + "px";
  });

  function clamp(height) {
    return Math.min(Math.max(Math.ceil(height), MIN_HEIGHT), MAX_HEIGHT);
  }
})();
