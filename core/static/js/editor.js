// Editors (issues, surveys) are one form. This keeps what is typed: it saves the form
// in the background a moment after each change, warns before leaving with unsaved
// changes, and reorders blocks by dragging (SortableJS) or with the ↑ ↓ buttons
// without a page load. Without JavaScript every button still saves everything first.
(() => {
  const form = document.querySelector("form[data-autosave-url]");
  if (!form) return;
  const status = document.getElementById("autosave-status");
  const list = form.querySelector("[data-sortable]");
  const preview = document.getElementById(form.dataset.preview || "");
  const text = (key) => form.dataset[key] || "";
  let dirty = false;
  let submitting = false;
  let timer = null;
  let saving = null;

  const say = (message) => { if (status) status.textContent = message; };
  // Pictures, and new answers of a survey, are taken over only by a real submit.
  const pendingFiles = () =>
    Array.from(form.querySelectorAll('input[type="file"]')).some((i) => i.files.length) ||
    Array.from(form.querySelectorAll("[data-submit-only]")).some((i) => i.value.trim());

  const save = async () => {
    timer = null;
    if (!dirty || submitting) return;
    dirty = false;
    const data = new FormData(form);
    for (const [name, value] of Array.from(data.entries())) {
      if (value instanceof File) data.delete(name);  // pictures wait for "Save"
    }
    data.delete("action");
    say(text("msgSaving"));
    saving = fetch(form.dataset.autosaveUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    try {
      const response = await saving;
      const answer = await response.json().catch(() => ({}));
      if (!response.ok || !answer.saved) throw new Error(answer.message || response.status);
      say(answer.message || text("msgSaved"));
      if (pendingFiles()) say(`${answer.message} ${text("msgFilePending")}`);
      if (preview) {
        const base = preview.dataset.src || (preview.dataset.src = preview.src);
        preview.src = `${base}${base.includes("?") ? "&" : "?"}t=${Date.now()}`;
      }
    } catch (error) {
      dirty = true;
      say(`${text("msgFailed")} ${error.message || ""}`.trim());
    } finally {
      saving = null;
    }
  };

  const changed = () => {
    dirty = true;
    say(text("msgUnsaved"));
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1200);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (submitting || !(dirty || saving || pendingFiles())) return;
    event.preventDefault();
    event.returnValue = "";
  });

  if (!list) return;
  const items = () => Array.from(list.children);
  const renumber = () => {
    const all = items();
    all.forEach((item, index) => {
      const number = item.querySelector(".block-number");
      if (number) number.textContent = String(index + 1);
      const up = item.querySelector('[data-move="up"]');
      const down = item.querySelector('[data-move="down"]');
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === all.length - 1;
    });
  };
  const announce = (item) => {
    const position = items().indexOf(item) + 1;
    say(text("msgMoved").replace("{n}", position).replace("{total}", items().length));
  };

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-move]");
    if (!button) return;
    event.preventDefault();
    const item = button.closest("li");
    if (button.dataset.move === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    renumber();
    // Keep the keyboard where it was; at an end, on the button that still works.
    const again = button.disabled
      ? item.querySelector(`[data-move="${button.dataset.move === "up" ? "down" : "up"}"]`)
      : button;
    (again || button).focus();
    changed();
    announce(item);
  });

  if (window.Sortable) {
    window.Sortable.create(list, {
      handle: ".drag-handle",
      animation: 150,
      onEnd: (event) => { renumber(); changed(); announce(event.item); },
    });
  }
})();
