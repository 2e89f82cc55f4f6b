(function () {
  "use strict";
  const list = document.getElementById("project-list");
  const error = document.querySelector(".error");
  const form = document.getElementById("project-form");

  function render(data) {
    list.replaceChildren();
    if (!data.projects.length) {
      const empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = "No projects yet. Create one below, or ask an owner to add you to one.";
      list.append(empty);
      return;
    }
    for (const project of data.projects) {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = project.name + " · " + project.account_scope.name + " · " + (project.role || "");
      item.append(name);
      if (project.id === data.active_project_id) {
        const badge = document.createElement("strong");
        badge.textContent = " (active)";
        item.append(badge);
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "Select";
        button.dataset.projectId = project.id;
        button.addEventListener("click", () => select(project.id));
        item.append(button);
      }
      list.append(item);
    }
  }

  async function load() {
    try { render(await WorkforceApi.api("GET", "/api/projects")); } catch (err) { WorkforceApi.showError(error, err); }
  }

  async function select(id) {
    try {
      await WorkforceApi.api("POST", "/api/projects/" + id + "/select");
      window.location.href = "/";
    } catch (err) { WorkforceApi.showError(error, err); }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    WorkforceApi.showError(error, null);
    try {
      const created = await WorkforceApi.api("POST", "/api/projects", { name: new FormData(form).get("name") });
      form.reset();
      await select(created.project.id);
    } catch (err) { WorkforceApi.showError(error, err); }
  });

  load();
})();
