// "Back to the form": the browser's own back, which finds the form as it was left
// (a link instead of inline script, which our CSP forbids).
document.querySelectorAll("[data-back]").forEach((link) => {
  link.hidden = false;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    history.back();
  });
});
