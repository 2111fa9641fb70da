// After htmx swaps: announce a new message to screen readers, bring it into view
// only if the reader was already at the bottom, and focus the first field in error.
(function () {
  let seen = null;
  let wasAtBottom = false;

  function messages() {
    return document.querySelectorAll("#conversation .message");
  }

  document.addEventListener("DOMContentLoaded", function () {
    seen = messages().length;
  });

  document.addEventListener("htmx:beforeSwap", function () {
    const page = document.documentElement;
    wasAtBottom = window.innerHeight + window.scrollY >= page.scrollHeight - 120;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const all = messages();
    if (seen !== null && all.length > seen) {
      const latest = all[all.length - 1];
      document.getElementById("announcer").textContent = latest.dataset.announce || "";
      if (wasAtBottom) latest.scrollIntoView({ block: "end" });
    }
    seen = all.length;
    const target = event.detail.elt;
    const invalid = target.querySelector && target.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();
  });
})();
