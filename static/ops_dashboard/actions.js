// Buttons that call the JSON API: <button data-action="name" data-url="/api/…" data-note-key="k" [data-body='{…}']>.
// A page registers how to describe each action's answer (WorkforceActions.on), and — for work queued for a
// worker (202) — how to describe the run when it finishes. Results show inline in
// [data-note="k"]; live refreshes re-render those elements, so notes are kept here by key and put back
// after each refresh. Every mutation goes through WorkforceApi (session cookie + X-CSRF-Token).
// Also: filter forms that narrow one live partial (see below).
(function () {
  "use strict";
  const notes = new Map(); // data-note key → {text, kind}
  const handlers = {}; // action → {describe(body, button) → text, after(button, body), finished: {…}}
  const following = new Map(); // run id → {action, key, context} of a queued run this page waits for
  const ended = new Map(); // run id → the latest runs' job_completed data (a fast worker may beat the answer)

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

  function at() {
    return " (" + new Date().toLocaleTimeString() + ")";
  }

  async function run(button) {
    const handler = handlers[button.dataset.action];
    const key = button.dataset.noteKey;
    const payload = button.dataset.body ? JSON.parse(button.dataset.body) : {};
    button.disabled = true;
    showNote(key, "working…", "info");
    try {
      const body = await WorkforceApi.api("POST", button.dataset.url, payload);
      const failed = body && (body.outcome === "failed" || body.ok === false);
      showNote(key, handler.describe(body, button), failed ? "error" : "ok");
      if (handler.after) handler.after(button, body);
      follow(button, body, handler);
    } catch (err) {
      showNote(key, err.message, "error");
    } finally {
      button.disabled = false;
      if (window.WorkforceLive) WorkforceLive.refreshAll(); // show the effect even if no event arrives
    }
  }

  // Work answered 202 ({"runs": [{run_id, status: "queued"}]}) finishes on a worker: its `job_completed` event
  // (live.js) says how, and the handler's `finished` describes it. While the page polls instead, the refreshed
  // partials show the effect and the note keeps saying "queued".
  function follow(button, body, handler) {
    if (!handler.finished || !body || !Array.isArray(body.runs)) return;
    const context = handler.finished.context ? handler.finished.context(button) : {};
    body.runs.forEach(function (run) {
      if (run.run_id && run.status === "queued") {
        following.set(run.run_id, { action: button.dataset.action, key: button.dataset.noteKey, context: context });
        if (ended.has(run.run_id)) runEnded(ended.get(run.run_id));
      }
    });
  }

  function runEnded(run) {
    const waiting = following.get(run.run_id);
    if (!waiting) return;
    following.delete(run.run_id);
    const finished = handlers[waiting.action].finished;
    const ok = run.status === "succeeded" || run.status === "partial";
    showNote(waiting.key, finished.describe(run, waiting.context), ok ? "ok" : "error");
    if (finished.after) finished.after(run, waiting.context);
  }

  document.addEventListener("live:job_completed", function (event) {
    const run = event.detail || {};
    if (!run.run_id) return;
    ended.set(run.run_id, run);
    if (ended.size > 100) ended.delete(ended.keys().next().value);
    runEnded(run);
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action][data-url]");
    if (button && !button.disabled && handlers[button.dataset.action]) run(button);
  });

  document.addEventListener("partial:updated", function (event) {
    notes.forEach((_, key) => applyNote(event.target, key));
  });

  // Filters (<form data-filters-for="page/partial [page/other]">): change the partials' URLs (and the page's, so a
  // reload keeps them), then refetch them. An unticked checkbox or an emptied field leaves both URLs.
  document.querySelectorAll("form[data-filters-for]").forEach(function (form) {
    const targets = form.dataset.filtersFor.split(/\s+/).filter(Boolean)
      .map((name) => document.querySelector('[data-testid="partial-' + name.replace("/", "-") + '"]'))
      .filter(Boolean);
    if (!targets.length) return;
    const bases = targets.map((target) => target.dataset.partialUrl.split("?")[0]);
    function apply() {
      const page = new URLSearchParams(location.search);
      const own = new URLSearchParams();
      Array.from(form.elements).forEach((element) => element.name && page.delete(element.name));
      new FormData(form).forEach(function (value, name) {
        if (value) {
          page.set(name, value);
          own.set(name, value);
        }
      });
      targets.forEach(function (target, index) {
        target.dataset.partialUrl = bases[index] + (own.toString() ? "?" + own : "");
        WorkforceLive.refresh(target);
      });
      history.replaceState(null, "", location.pathname + (page.toString() ? "?" + page : "") + location.hash);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });
  });

  window.WorkforceActions = {
    // `finished` (optional, for actions that queue work): {describe(run, context) → text, after(run, context),
    // context(button) → what to remember at click time (the button's row may be re-rendered meanwhile)}.
    on: function (action, describe, after, finished) {
      handlers[action] = { describe: describe, after: after, finished: finished };
    },
    showNote: showNote,
    at: at,
  };
})();
