// Jobs page: what "Tick now" and "Resume" answered (buttons and the runs filter are wired by actions.js).
(function () {
  "use strict";
  const at = WorkforceActions.at;

  WorkforceActions.on("tick", function (body) {
    if (!body.started.length) return "Nothing is due for this project right now" + at();
    return "Started " + body.started.map((run) => run.job).join(", ") + at();
  });
  WorkforceActions.on("resume", (body) => "Resumed; next run " + (body.next_run_at ? "soon" : "when enabled") + at());
})();
