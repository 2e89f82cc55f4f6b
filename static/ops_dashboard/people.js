// Members and API keys pages: every change goes through the JSON API (members: /api/projects/<id>/members,
// keys: /api/api-keys), then the page's live partial is refetched. A new key is shown once, here.
(function () {
  "use strict";
  const project = document.body.dataset.projectId;
  const members = "/api/projects/" + encodeURIComponent(project) + "/members";
  const at = WorkforceActions.at;

  function refresh() {
    if (window.WorkforceLive) WorkforceLive.refreshAll();
  }

  function say(element, text, kind) {
    element.textContent = text;
    element.dataset.kind = kind || "info";
  }

  async function submitWith(form, note, work) {
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      say(note, await work(), "ok");
      form.reset();
    } catch (err) {
      say(note, err.message, "error");
    } finally {
      button.disabled = false;
      refresh();
    }
  }

  // ---------------------------------------------------------------- members
  const memberForm = document.querySelector("[data-testid=member-form]");
  if (memberForm) {
    const note = document.querySelector("[data-testid=member-form-note]");
    memberForm.addEventListener("submit", function (event) {
      event.preventDefault();
      submitWith(memberForm, note, async function () {
        const body = { user: memberForm.user.value.trim(), role: memberForm.role.value };
        const member = await WorkforceApi.api("POST", members, body);
        return "Added " + member.username + " as " + member.role + at();
      });
    });

    document.addEventListener("change", async function (event) {
      const select = event.target.closest("[data-member-role]");
      if (!select) return;
      const key = "member-" + select.dataset.memberRole;
      try {
        const member = await WorkforceApi.api("PATCH", members + "/" + select.dataset.memberRole, { role: select.value });
        WorkforceActions.showNote(key, "Now " + member.role + at(), "ok");
      } catch (err) {
        WorkforceActions.showNote(key, err.message, "error");
      }
      refresh();
    });

    document.addEventListener("click", async function (event) {
      const remove = event.target.closest("[data-member-remove]");
      if (!remove || !window.confirm("Remove this member? They lose the project at once, and their keys for it.")) return;
      try {
        await WorkforceApi.api("DELETE", members + "/" + remove.dataset.memberRemove);
        WorkforceActions.showNote("members", "Removed" + at(), "ok");
      } catch (err) {
        WorkforceActions.showNote("member-" + remove.dataset.memberRemove, err.message, "error");
      }
      refresh();
    });
  }

  // ---------------------------------------------------------------- API keys
  const keyForm = document.querySelector("[data-testid=key-form]");
  if (keyForm) {
    const note = document.querySelector("[data-testid=key-form-note]");
    const once = document.querySelector("[data-testid=key-once]");
    WorkforceActions.on("key-revoke", () => "Revoked" + at());
    keyForm.addEventListener("submit", function (event) {
      event.preventDefault();
      once.hidden = true;
      submitWith(keyForm, note, async function () {
        const body = { name: keyForm.name.value.trim(), scope: keyForm.scope.value };
        // A date means "through that day" in the browser's time zone.
        if (keyForm.expires_on.value) body.expires_at = new Date(keyForm.expires_on.value + "T23:59:59").toISOString();
        const made = await WorkforceApi.api("POST", "/api/api-keys", body);
        once.querySelector("code").textContent = made.key;
        once.hidden = false;
        return "Created " + made.api_key.name + " (" + made.api_key.scope + ")" + at();
      });
    });
  }
})();
