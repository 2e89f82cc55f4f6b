(function () {
  "use strict";
  const panel = document.getElementById("health");
  fetch("/health", { credentials: "same-origin" })
    .then((response) => response.json())
    .then(function (report) {
      panel.classList.remove("muted");
      panel.replaceChildren();
      const title = document.createElement("strong");
      title.textContent = "Health: " + report.status;
      panel.append(title);
      for (const [name, check] of Object.entries(report.checks)) {
        const row = document.createElement("div");
        row.className = "check " + check.status;
        row.textContent = name + ": " + check.status + " (" + check.detail + ")";
        panel.append(row);
      }
    })
    .catch(() => { panel.textContent = "Health check failed to load."; });
})();
