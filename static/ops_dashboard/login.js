(function () {
  "use strict";
  const form = document.getElementById("login-form");
  const error = form.querySelector(".error");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    WorkforceApi.showError(error, null);
    const data = new FormData(form);
    try {
      await WorkforceApi.api("POST", "/api/auth/login", {
        username: data.get("username"),
        password: data.get("password"),
      });
      const next = form.dataset.next || "/";
      window.location.href = next.startsWith("/") && !next.startsWith("//") ? next : "/";
    } catch (err) {
      WorkforceApi.showError(error, err);
    }
  });
})();
