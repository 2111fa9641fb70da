// After htmx swaps: announce a new message or a status change to screen readers, bring
// a new message into view only if the reader was already at the bottom, focus the
// first field in error, and keep a reply being typed when the request closes meanwhile.
(function () {
  let seen = null;
  let status = null;
  let wasAtBottom = false;
  let unsent = "";

  function messages() {
    return document.querySelectorAll("#conversation .message");
  }

  function currentStatus() {
    const box = document.querySelector("#conversation [data-status]");
    return box ? box.dataset.status : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    seen = messages().length;
    status = currentStatus();
  });

  document.addEventListener("htmx:beforeSwap", function () {
    const page = document.documentElement;
    wasAtBottom = window.innerHeight + window.scrollY >= page.scrollHeight - 120;
  });

  // The poll closed the request while a reply was being typed: its box goes, its text stays.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const old = document.querySelector("#reply-form textarea[name=body]");
    if (event.detail.target && event.detail.target.id === "reply-form" && old) {
      unsent = old.value.trim() ? old.value : "";
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    const keep = document.querySelector("#reply-form .new-with-text");
    if (!unsent || !keep) return;
    keep.querySelector("textarea").value = unsent;
    keep.hidden = false;
    unsent = "";
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const news = [];
    const now = currentStatus();
    if (status !== null && now !== null && now !== status) {
      news.push(document.getElementById("announcer").dataset.statusPrefix + " " + now);
    }
    status = now;
    const all = messages();
    if (seen !== null && all.length > seen) {
      const latest = all[all.length - 1];
      news.push(latest.dataset.announce || "");
      if (wasAtBottom) latest.scrollIntoView({ block: "end" });
    }
    seen = all.length;
    if (news.length) document.getElementById("announcer").textContent = news.join(" ");
    const target = event.detail.elt;
    const invalid = target.querySelector && target.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();
  });
})();
