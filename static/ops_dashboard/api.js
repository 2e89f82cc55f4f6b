// JSON API helper shared by every page: CSRF header, request id, error messages.
(function () {
  "use strict";

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function errorMessage(body, status) {
    if (body && body.detail) {
      if (typeof body.detail === "string") return body.detail;
      return Object.entries(body.detail).map(([field, msg]) => field + ": " + msg).join("; ");
    }
    return "Request failed (HTTP " + status + ").";
  }

  async function api(method, path, payload) {
    const options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      options.headers["X-CSRF-Token"] = csrfToken();
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload || {});
    }
    const response = await fetch(path, options);
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!response.ok) {
      const error = new Error(errorMessage(body, response.status));
      error.status = response.status;
      error.body = body;
      throw error;
    }
    return body;
  }

  function showError(element, error) {
    if (!element) return;
    element.textContent = error ? error.message : "";
    element.hidden = !error;
  }

  window.WorkforceApi = { api: api, showError: showError };

  const logout = document.querySelector("[data-action=logout]");
  if (logout) {
    logout.addEventListener("click", async function () {
      try { await api("POST", "/api/auth/logout"); } finally { window.location.href = "/login"; }
    });
  }
})();
