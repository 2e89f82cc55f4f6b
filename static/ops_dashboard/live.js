// Live partials. Contract (see ops_dashboard/partials.py):
//   <body data-live-stream="/api/events/stream" data-poll-seconds="20" data-project-id="…">
//   <div data-partial-url="/partials/overview/runs" data-partial-events="job_completed data_changed"
//        [data-partial-refresh="60"]>
// One EventSource per page; an event refetches the partials that list its name, and every partial is
// refetched when the stream (re)connects. While the stream is down the page polls the same partials
// every data-poll-seconds (paused in hidden tabs) and retries the stream on each poll.
// Every `job_completed` event is also re-sent on the document as "live:job_completed" (detail: the event's
// data: job, run_id, status, counts), so a page script can follow a run it queued.
// After each refresh the element fires a bubbling "partial:updated" event; WorkforceLive.refreshAll() and
// WorkforceLive.refresh(element) let page scripts refresh after their own changes (a page script may change
// an element's data-partial-url first, e.g. to apply filters).
(function () {
  "use strict";
  const body = document.body;
  const partials = Array.from(document.querySelectorAll("[data-partial-url]"));
  if (!partials.length || !body.dataset.liveStream) return;

  const POLL_MS = Math.max(1, Number(body.dataset.pollSeconds) || 20) * 1000;
  const OPEN_TIMEOUT_MS = 5000;
  const QUICK_RETRY_MS = 3000; // one early retry after losing a live stream (a blip, a server restart)
  const badge = document.querySelector("[data-testid=live-status]");
  const ago = document.querySelector("[data-testid=updated-ago]");
  let source = null;
  let openTimer = null;
  let pollTimer = null;
  let state = "connecting";
  let lastUpdated = Date.now();

  function eventsOf(element) {
    return (element.dataset.partialEvents || "").split(/\s+/).filter(Boolean);
  }

  function setState(next) {
    state = next;
    if (badge) {
      badge.textContent = next;
      badge.dataset.state = next;
    }
  }

  function renderAgo() {
    if (!ago) return;
    const seconds = Math.max(0, Math.round((Date.now() - lastUpdated) / 1000));
    ago.textContent = seconds < 60 ? "updated " + seconds + " s ago" : "updated " + Math.floor(seconds / 60) + " min ago";
  }

  function leave(path) {
    window.location.href = path;
  }

  async function fetchInto(element) {
    const response = await fetch(element.dataset.partialUrl, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" },
    });
    if (response.status === 401) return leave("/login?next=" + encodeURIComponent(location.pathname));
    if (response.status === 403 || response.status === 409) return leave("/projects");
    const project = response.headers.get("X-Active-Project");
    if (project && body.dataset.projectId && project !== body.dataset.projectId) return window.location.reload();
    if (!response.ok) throw new Error("HTTP " + response.status);
    element.innerHTML = await response.text();
    element.classList.remove("stale");
    lastUpdated = Date.now();
    renderAgo();
    element.dispatchEvent(new CustomEvent("partial:updated", { bubbles: true }));
  }

  // One request per partial at a time; a refresh asked for meanwhile runs once the current one ends.
  async function refresh(element) {
    if (element.dataset.loading) {
      element.dataset.again = "1";
      return;
    }
    element.dataset.loading = "1";
    try {
      await fetchInto(element);
    } catch (err) {
      element.classList.add("stale");
    } finally {
      delete element.dataset.loading;
      if (element.dataset.again) {
        delete element.dataset.again;
        refresh(element);
      }
    }
  }

  function refreshAll() {
    partials.forEach(refresh);
  }

  function refreshFor(type) {
    partials.filter((element) => eventsOf(element).includes(type)).forEach(refresh);
  }

  function openStream() {
    if (source) return;
    source = new EventSource(body.dataset.liveStream);
    openTimer = setTimeout(streamDown, OPEN_TIMEOUT_MS);
    source.addEventListener("connected", function () {
      clearTimeout(openTimer);
      stopPolling();
      setState("live");
      refreshAll(); // whatever changed before the stream was listening
    });
    const types = new Set(partials.flatMap(eventsOf));
    types.forEach((type) => source.addEventListener(type, () => refreshFor(type)));
    // A finished run, for page scripts following work they queued (actions.js): "live:job_completed".
    source.addEventListener("job_completed", function (event) {
      let data = null;
      try {
        data = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      document.dispatchEvent(new CustomEvent("live:job_completed", { detail: data }));
    });
    source.addEventListener("stream-error", streamDown);
    source.onerror = streamDown; // includes non-200 answers (401/403/409/503) and dropped connections
  }

  function streamDown() {
    clearTimeout(openTimer);
    if (source) {
      source.close();
      source = null;
    }
    const wasLive = state === "live";
    setState("polling");
    if (wasLive) {
      refreshAll(); // catch up at once; events may have been missed
      setTimeout(function () {
        if (state === "polling" && !document.hidden) openStream();
      }, QUICK_RETRY_MS);
    }
    if (!pollTimer) pollTimer = setTimeout(poll, POLL_MS);
  }

  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  function poll() {
    pollTimer = null;
    if (state === "live") return;
    if (!document.hidden) {
      refreshAll();
      openStream();
    }
    pollTimer = setTimeout(poll, POLL_MS);
  }

  function onVisible() {
    if (document.hidden || state !== "polling") return;
    stopPolling();
    poll();
  }

  document.addEventListener("visibilitychange", onVisible);
  window.addEventListener("focus", onVisible);
  window.addEventListener("pagehide", function () {
    if (source) source.close();
  });
  setInterval(renderAgo, 1000);
  renderAgo();
  openStream();
  // Partials that also change without a project event (data-partial-refresh="seconds"), visible tabs only.
  partials.filter((element) => element.dataset.partialRefresh).forEach(function (element) {
    setInterval(function () {
      if (!document.hidden) refresh(element);
    }, Math.max(5, Number(element.dataset.partialRefresh)) * 1000);
  });

  window.WorkforceLive = { refresh: refresh, refreshAll: refreshAll, refreshFor: refreshFor, state: () => state };
})();
