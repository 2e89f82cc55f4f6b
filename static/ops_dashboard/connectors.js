// Connectors page: Sync now (one connector or all), dead-letter retry, re-sync of reconciliation ids, run
// reconciliation (buttons and the errors filters wired by actions.js).
(function () {
  "use strict";
  const at = WorkforceActions.at;

  function total(counts, field) {
    return Object.values(counts || {}).reduce((sum, stream) => sum + (stream[field] || 0), 0);
  }

  // What each action's answer means to the reader.
  WorkforceActions.on(
    "sync",
    (body) => body.runs.map((run) => run.connector + " " + run.status.replace("_", " ")).join(", ") + at(),
  );
  WorkforceActions.on(
    "retry-dead-letter",
    (body) =>
      body.outcome === "resolved"
        ? "Resolved"
        : "Failed again (attempt " + body.error.attempt + "): " + body.error.message,
    function afterRetry(button, body) {
      if (body.outcome !== "resolved") return;
      const row = button.closest("tr");
      const what = row ? row.cells[0].textContent.trim() + " " + row.cells[1].textContent.trim() : "";
      if (row) row.remove();
      WorkforceActions.showNote("dead-letters", "Resolved: " + what + at(), "ok");
    },
  );
  WorkforceActions.on(
    "resync",
    (body) =>
      "Re-sync " + body.run.status + ": " + total(body.run.counts, "fetched") + " fetched, " +
      (total(body.run.counts, "inserted") + total(body.run.counts, "updated")) + " written" + at(),
  );
  WorkforceActions.on(
    "webhook",
    (body) => (body.webhook.registered ? "Registered at " + body.webhook.url : "Not registered") + at(),
  );
  WorkforceActions.on(
    "reconcile",
    (body) =>
      "Done: completeness " + Number(body.summary.completeness_pct).toFixed(1) + "% over " +
      body.summary.total + " records" + at(),
  );

  // Per-stream details a reader opened stay open across live refreshes (a sync refreshes every second).
  const openRuns = new Set();
  document.addEventListener("toggle", function (event) {
    const row = event.target.closest && event.target.closest("tr[data-sync-run-id]");
    if (!row) return;
    if (event.target.open) openRuns.add(row.dataset.syncRunId);
    else openRuns.delete(row.dataset.syncRunId);
  }, true);

  document.addEventListener("partial:updated", function (event) {
    openRuns.forEach(function (id) {
      const details = event.target.querySelector('tr[data-sync-run-id="' + CSS.escape(id) + '"] details');
      if (details) details.open = true;
    });
  });

})();
