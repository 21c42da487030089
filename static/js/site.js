// Progressive enhancement only: every page works without this file.
// After a form comes back with errors, move focus to its error summary (GC Design System
// pattern), so that keyboard and screen-reader users hear the problems first.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
