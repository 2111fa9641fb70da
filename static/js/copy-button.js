// Admin: "Copy the snippet" buttons. Each names the field it copies (data-copy) and is
// hidden until this runs, so without JavaScript there is no button that does nothing.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) return;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.dataset.copied;
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {
        field.select(); // no clipboard permission: selected, ready for Ctrl+C
      });
    });
  });
})();
