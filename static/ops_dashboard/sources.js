// Sources page: connect a source, change it, test its token (before or after saving), remove it. The list is a
// live partial; the form lives outside it, so a refresh never wipes what is being typed. Everything goes
// through the configs API (/api/connectors/configs), which never returns a token.
(function () {
  "use strict";
  const API = "/api/connectors/configs";
  const card = document.querySelector("[data-testid=source-form-card]");
  const form = document.querySelector("[data-testid=source-form]");
  const title = document.querySelector("[data-testid=source-form-title]");
  const note = document.querySelector("[data-testid=source-form-note]");
  const error = document.querySelector("[data-testid=source-form-error]");
  let editing = null; // the source being changed (PATCH), or null for a new connection (POST)

  WorkforceActions.on("source-test", (body) => body.detail + WorkforceActions.at());

  function say(text, kind) {
    note.textContent = text;
    note.dataset.kind = kind || "info";
    WorkforceApi.showError(error, null);
  }

  function open(source) {
    const row = document.querySelector('tr[data-source="' + CSS.escape(source) + '"]');
    const saved = row && row.dataset.baseUrl !== undefined;
    editing = saved ? source : null;
    form.reset();
    form.source.value = source;
    form.source.disabled = saved;
    if (saved) {
      form.base_url.value = row.dataset.baseUrl;
      form.account_id.value = row.dataset.accountId;
      form.enabled.checked = row.dataset.enabled === "true";
      form.sync_interval_minutes.value = row.dataset.interval;
      form.rate_limit_per_second.value = row.dataset.rate;
    }
    form.token.required = !saved;
    title.textContent = (saved ? "Change " : "Connect ") + form.source.selectedOptions[0].textContent;
    say("");
    card.hidden = false;
    form.base_url.focus();
  }

  // The form's values as the API takes them; an empty token keeps the saved one.
  function values(forTest) {
    const body = {
      base_url: form.base_url.value.trim(),
      account_id: form.account_id.value.trim(),
    };
    if (form.token.value.trim()) body.token = form.token.value.trim();
    if (forTest) return body;
    body.enabled = form.enabled.checked;
    body.sync_interval_minutes = Number(form.sync_interval_minutes.value);
    body.rate_limit_per_second = Number(form.rate_limit_per_second.value);
    if (!editing) body.source = form.source.value;
    return body;
  }

  async function test(source, body) {
    say("Testing…");
    const result = await WorkforceApi.api("POST", API + "/" + encodeURIComponent(source) + "/test", body);
    say(result.detail, result.ok ? "ok" : "error");
    return result;
  }

  async function guarded(work) {
    form.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    try {
      await work();
    } catch (err) {
      say("");
      WorkforceApi.showError(error, err);
    } finally {
      form.querySelectorAll("button").forEach((button) => { button.disabled = false; });
      if (window.WorkforceLive) WorkforceLive.refreshAll();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const source = form.source.value;
    guarded(async function () {
      if (editing) await WorkforceApi.api("PATCH", API + "/" + encodeURIComponent(source), values(false));
      else await WorkforceApi.api("POST", API, values(false));
      editing = source;
      form.source.disabled = true;
      form.token.value = "";
      form.token.required = false;
      const result = await test(source, {});
      say("Saved. " + result.detail, result.ok ? "ok" : "error");
    });
  });

  form.addEventListener("click", function (event) {
    const action = event.target.closest("[data-form-action]");
    if (!action) return;
    if (action.dataset.formAction === "cancel") {
      card.hidden = true;
      return;
    }
    guarded(() => test(form.source.value, values(true)));
  });

  document.addEventListener("click", function (event) {
    const edit = event.target.closest("[data-source-edit]");
    if (edit) open(edit.dataset.sourceEdit);
    const remove = event.target.closest("[data-source-delete]");
    if (remove && window.confirm("Remove this connection? What was synced stays; syncing stops.")) {
      const source = remove.dataset.sourceDelete;
      WorkforceApi.api("DELETE", API + "/" + encodeURIComponent(source))
        .then(() => WorkforceActions.showNote("source-" + source, "Removed" + WorkforceActions.at(), "ok"))
        .catch((err) => WorkforceActions.showNote("source-" + source, err.message, "error"))
        .finally(() => window.WorkforceLive && WorkforceLive.refreshAll());
    }
  });
})();
