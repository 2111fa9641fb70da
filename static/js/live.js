// After htmx swaps: announce someone else's new message or a status change to screen
// readers, bring a new message into view only if the reader was already at the bottom,
// focus the first field in error or the reply just sent, and keep a reply being typed
// when the request closes meanwhile.
(function () {
  let seen = null;
  let status = null;
  let wasAtBottom = false;
  let unsent = "";
  let sentReply = false;
  let focused = -1;

  function messages() {
    return document.querySelectorAll("#conversation .message");
  }

  function focusOn(message) {
    message.setAttribute("tabindex", "-1");
    message.focus();
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
    focused = Array.from(messages()).indexOf(document.activeElement);
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

  // A reply sent: once the conversation is back, focus goes to it (not to the page body).
  document.addEventListener("htmx:afterRequest", function (event) {
    // (The swapped-out form is no longer the event's element: the request names it.)
    const request = event.detail.requestConfig;
    if (request && request.verb === "post" && request.headers["HX-Trigger"] === "reply-form") {
      sentReply = event.detail.xhr.status === 200;
    }
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
      // The customer's own messages are no news to them: only others' are announced.
      const theirs = Array.from(all).slice(seen).filter(function (message) {
        return !message.classList.contains("from-customer");
      });
      if (theirs.length) news.push(theirs[theirs.length - 1].dataset.announce || "");
      if (wasAtBottom) latest.scrollIntoView({ block: "end" });
    }
    seen = all.length;
    if (sentReply && document.getElementById("reply-form")) {
      focusOn(all[all.length - 1]);
      sentReply = false;
    } else if (focused >= 0 && all[focused] && !all[focused].contains(document.activeElement)) {
      focusOn(all[focused]); // a poll redrew the message that had focus: it keeps it
    }
    if (news.length) document.getElementById("announcer").textContent = news.join(" ");
    // A form back with a problem: focus its first field in error, else the notice saying
    // what happened (a limit, trouble upstream), never the page body.
    const target = event.detail.elt;
    const problem = target.querySelector &&
      (target.querySelector("[aria-invalid=true]") || target.querySelector(".notice[role=alert]"));
    if (problem && !problem.matches("input, textarea, select")) problem.setAttribute("tabindex", "-1");
    if (problem) problem.focus();
  });
})();
