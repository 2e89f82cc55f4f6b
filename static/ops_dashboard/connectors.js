// Connectors page: Sync now (one connector or all), dead-letter retry, re-sync of reconciliation ids, run
// reconciliation (buttons and the errors filters wired by actions.js).
(function () {
  "use strict";
  const at = WorkforceActions.at;

  function total(counts, field) {
    // Per-stream counts; a run's counts also carry plain values (its sync run's id), which count as nothing.
    return Object.values(counts || {}).reduce((sum, stream) => sum + ((stream && stream[field]) || 0), 0);
  }

  // What each action's answer means to the reader.
  WorkforceActions.on(
    "sync",
    (body) => body.runs.map((run) => run.connector + " " + run.status.replace("_", " ")).join(", ") + at(),
  );
  // Retry, re-sync and reconciliation are queued for a worker (202); the note follows the run to its end.
  WorkforceActions.on("retry-dead-letter", () => "Retry queued" + at(), null, {
    context: function (button) {
      const row = button.closest("tr");
      return { what: row ? row.cells[0].textContent.trim() + " " + row.cells[1].textContent.trim() : "" };
    },
    describe: function (run) {
      const counts = run.counts || {};
      if (counts.outcome === "resolved") return "Resolved" + at();
      if (counts.outcome === "busy") return "Not retried: the sync is running; retry when it finishes" + at();
      return "Failed again (attempt " + counts.attempt + "): " + (counts.message || run.status);
    },
    after: function (run, context) {
      if ((run.counts || {}).outcome !== "resolved") return;
      WorkforceActions.showNote("dead-letters", "Resolved: " + context.what + at(), "ok");
    },
  });
  WorkforceActions.on("resync", () => "Re-sync queued" + at(), null, {
    describe: (run) =>
      "Re-sync " + (run.status === "succeeded" ? "ok" : run.status) + ": " + total(run.counts, "fetched") +
      " fetched, " + (total(run.counts, "inserted") + total(run.counts, "updated")) + " written" + at(),
  });
  WorkforceActions.on(
    "webhook",
    (body) => (body.webhook.registered ? "Registered at " + body.webhook.url : "Not registered") + at(),
  );
  WorkforceActions.on("reconcile", () => "Reconciliation queued" + at(), null, {
    describe: (run) =>
      run.status === "succeeded"
        ? "Done: completeness " + Number(run.counts.completeness_pct).toFixed(1) + "% over " + run.counts.total +
          " records" + at()
        : "Reconciliation " + run.status + at(),
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
    openRuns.forEach(function (id) {
      const details = event.target.querySelector('tr[data-sync-run-id="' + CSS.escape(id) + '"] details');
      if (details) details.open = true;
    });
  });

})();
