// The frame's first page when the host vouches for its customer: embed.js hands the
// identity token over by message (never in a URL), and this posts it with the CSRF
// token. Only the window around this frame may hand it over: a page that is not in a
// frame (or a frame in a page the portal may not be in: frame-ancestors) gets nothing.
(function () {
  const form = document.getElementById("embed-start");
  if (!form || window.parent === window) return;
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    const data = event.data;
    if (!data || data.type !== "tixallo-portal:identity" || typeof data.token !== "string") return;
    form.elements.token.value = data.token;
    form.submit();
  });
})();
