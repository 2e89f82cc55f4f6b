// Connectors page: Sync now (one connector or all), dead-letter retry, re-sync of reconciliation ids, run
// reconciliation, and the errors filters. Every mutation goes through the JSON API (WorkforceApi: session
// cookie + X-CSRF-Token). Results show inline beside their button; since live refreshes re-render those
// rows, notes are kept here by key and put back after each refresh.
(function () {
  "use strict";
  const notes = new Map(); // data-note key → {text, kind}

  function applyNote(root, key) {
    const note = notes.get(key);
    root.querySelectorAll('[data-note="' + CSS.escape(key) + '"]').forEach(function (element) {
      element.textContent = note.text;
      element.dataset.kind = note.kind;
    });
  }

  function showNote(key, text, kind) {
    notes.set(key, { text: text, kind: kind || "info" });
    applyNote(document, key);
  }

  function total(counts, field) {
    return Object.values(counts || {}).reduce((sum, stream) => sum + (stream[field] || 0), 0);
  }

  function at() {
    return " (" + new Date().toLocaleTimeString() + ")";
  }

  // What each action's answer means to the reader.
  const describe = {
    sync: (body) => body.runs.map((run) => run.connector + " " + run.status.replace("_", " ")).join(", ") + at(),
    "retry-dead-letter": (body) =>
      body.outcome === "resolved"
        ? "Resolved"
        : "Failed again (attempt " + body.error.attempt + "): " + body.error.message,
    resync: (body) =>
      "Re-sync " + body.run.status + ": " + total(body.run.counts, "fetched") + " fetched, " +
      (total(body.run.counts, "inserted") + total(body.run.counts, "updated")) + " written" + at(),
    reconcile: (body) =>
      "Done: completeness " + Number(body.summary.completeness_pct).toFixed(1) + "% over " +
      body.summary.total + " records" + at(),
  };

  function afterRetry(button, body) {
    if (body.outcome !== "resolved") return;
    const row = button.closest("tr");
    const what = row ? row.cells[0].textContent.trim() + " " + row.cells[1].textContent.trim() : "";
    if (row) row.remove();
    showNote("dead-letters", "Resolved: " + what + at(), "ok");
  }

  async function run(button) {
    const action = button.dataset.action;
    const key = button.dataset.noteKey;
    const payload = button.dataset.body ? JSON.parse(button.dataset.body) : {};
    button.disabled = true;
    showNote(key, "working…", "info");
    try {
      const body = await WorkforceApi.api("POST", button.dataset.url, payload);
      showNote(key, describe[action](body), body.outcome === "failed" ? "error" : "ok");
      if (action === "retry-dead-letter") afterRetry(button, body);
    } catch (err) {
      showNote(key, err.message, "error");
    } finally {
      button.disabled = false;
      if (window.WorkforceLive) WorkforceLive.refreshAll(); // show the effect even if no event arrives
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action][data-url]");
    if (button && !button.disabled) run(button);
  });

  // Per-stream details a reader opened stay open across live refreshes (a sync refreshes every second).
  const openRuns = new Set();
  document.addEventListener("toggle", function (event) {
    const row = event.target.closest && event.target.closest("tr[data-sync-run-id]");
    if (!row) return;
    if (event.target.open) openRuns.add(row.dataset.syncRunId);
    else openRuns.delete(row.dataset.syncRunId);
  }, true);

  document.addEventListener("partial:updated", function (event) {
    notes.forEach((_, key) => applyNote(event.target, key));
    openRuns.forEach(function (id) {
      const details = event.target.querySelector('tr[data-sync-run-id="' + CSS.escape(id) + '"] details');
      if (details) details.open = true;
    });
  });

  // Errors filters: change the partial's URL (and the page's, so a reload keeps them), then refetch it.
  document.querySelectorAll("form[data-filters-for]").forEach(function (form) {
    const target = document.querySelector('[data-testid="partial-' + form.dataset.filtersFor.replace("/", "-") + '"]');
    if (!target) return;
    const base = target.dataset.partialUrl.split("?")[0];
    form.addEventListener("change", function () {
      const page = new URLSearchParams(location.search);
      const own = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        page.delete(name);
        if (value) {
          page.set(name, value);
          own.set(name, value);
        }
      });
      target.dataset.partialUrl = base + (own.toString() ? "?" + own : "");
      history.replaceState(null, "", location.pathname + (page.toString() ? "?" + page : "") + location.hash);
      WorkforceLive.refresh(target);
    });
    form.addEventListener("submit", (event) => event.preventDefault());
  });
})();
