// Admin: "Copy the snippet" buttons. Each names the field it copies (data-copy) and is
// hidden until this runs, so without JavaScript there is no button that does nothing.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    const label = button.textContent;
    button.hidden = false;

    function copied() {
      button.textContent = button.dataset.copied;
      setTimeout(function () { button.textContent = label; }, 2000);
    }

    button.addEventListener("click", function () {
      // Selected first, so that whatever happens the snippet is ready for Ctrl+C.
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, function () {
          if (document.execCommand("copy")) copied();
        });
      } else if (document.execCommand("copy")) {
        copied(); // plain http: no clipboard API, the older way still works
      }
    });
  });
})();
