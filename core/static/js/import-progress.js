// Import progress: polls the JSON endpoint, updates the bar, reloads when done.
(() => {
  const box = document.getElementById("import-progress");
  if (!box || box.dataset.status === "done") return;
  const bar = document.getElementById("import-bar");
  const refresh = async () => {
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (!response.ok) return;
      const numbers = await response.json();
      if (numbers.status === "done") { location.reload(); return; }
      box.querySelectorAll("[data-key]").forEach((cell) => {
        cell.textContent = numbers[cell.dataset.key];
      });
      if (bar) { bar.max = numbers.total || 1; bar.value = numbers.done; }
      setTimeout(refresh, 2000);
    } catch (error) {
      setTimeout(refresh, 5000);
    }
  };
  setTimeout(refresh, 1000);
})();
