// Live sending progress: polls the JSON endpoint and updates the numbers in place.
(() => {
  const box = document.getElementById("progress");
  if (!box) return;
  const bar = document.getElementById("progress-bar");
  const refresh = async () => {
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (!response.ok) return;
      const numbers = await response.json();
      box.querySelectorAll("[data-key]").forEach((cell) => {
        const value = numbers[cell.dataset.key];
        cell.textContent = value;  // texts come in the page's language
      });
      const badge = document.getElementById("campaign-status");
      if (badge && numbers.status_label) {
        badge.textContent = numbers.status_label;
        badge.className = `badge badge-${numbers.shown_status}`;
      }
      const warning = document.getElementById("no-sender");
      if (warning) warning.hidden = !numbers.no_sender;
      bar.max = numbers.total || 1;
      bar.value = numbers.sent;
      // A new state brings other buttons and notes (pause, resume, why it paused).
      if (numbers.status !== box.dataset.status) location.reload();
      else if (["sending", "scheduled"].includes(numbers.status)) setTimeout(refresh, 2000);
    } catch (error) {
      setTimeout(refresh, 5000);
    }
  };
  refresh();
})();
