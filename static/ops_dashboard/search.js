// Search page: ask POST /api/lightrag/query, show the answer with its citations linked to evidence cards
// (each with a deep link to the source record), and send a thumbs up/down to POST /api/lightrag/feedback.
(function () {
  "use strict";
  const form = document.getElementById("search-form");
  const error = form.querySelector(".error");
  const status = document.querySelector("[data-testid=search-status]");
  const answerCard = document.getElementById("answer");
  const answerBox = document.querySelector("[data-testid=answer]");
  const stats = document.querySelector("[data-testid=answer-stats]");
  const degraded = document.querySelector("[data-testid=degraded]");
  const evidenceCard = document.getElementById("evidence");
  const evidenceList = document.querySelector("[data-testid=evidence]");
  const feedbackNote = document.querySelector("[data-testid=feedback-note]");
  const thumbs = Array.from(document.querySelectorAll("button.thumb"));
  const CITATION = /\[(E\d+(?:\s*[,;]\s*E\d+)*)\]/g;
  let runId = null;

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function payloadFrom(data) {
    const payload = { query: data.get("query"), sourceFilter: data.getAll("sourceFilter") };
    ["date_from", "date_to"].forEach((name) => { if (data.get(name)) payload[name] = data.get(name); });
    if (data.get("sourceLimit")) payload.sourceLimit = Number(data.get("sourceLimit"));
    if (data.get("mode")) payload.mode = data.get("mode");
    return payload;
  }

  function citationLink(id) {
    const link = element("a", id, "cite");
    link.href = "#evidence-" + id;
    link.dataset.cite = id;
    return link;
  }

  // The answer as text nodes with each [E1, E2] marker turned into links to the evidence cards.
  function renderAnswer(text) {
    answerBox.replaceChildren();
    let last = 0;
    for (const match of text.matchAll(CITATION)) {
      answerBox.append(text.slice(last, match.index), "[");
      match[1].split(/\s*[,;]\s*/).forEach(function (id, position) {
        if (position) answerBox.append(", ");
        answerBox.append(citationLink(id));
      });
      answerBox.append("]");
      last = match.index + match[0].length;
    }
    answerBox.append(text.slice(last));
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  // The client the evidence belongs to (`client: {id, name}` or null/absent) links to its client page.
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  function clientLink(client) {
    if (!client || !UUID.test(String(client.id || ""))) return null;
    const link = element("a", "client: " + (client.name || "unnamed"), "client-link small");
    link.href = "/clients/" + encodeURIComponent(client.id);
    return link;
  }

  function evidenceItem(item, cited) {
    const card = element("li", null, "evidence-card" + (cited.has(item.id) ? " cited" : ""));
    card.id = "evidence-" + item.id;
    const head = element("div", null, "evidence-head");
    head.append(element("span", item.id, "badge"), " ");
    const url = safeUrl(item.url);
    const title = element(url ? "a" : "strong", item.title || item.source_id);
    if (url) {
      title.href = url;
      title.target = "_blank";
      title.rel = "noopener noreferrer";
    }
    head.append(title, " ", element("span", item.source_type.replace(/_/g, " "), "muted small"));
    if (item.archived) head.append(" ", element("span", "archived", "badge warn"));
    if (item.occurred_at) head.append(" · ", element("time", new Date(item.occurred_at).toLocaleString(), "muted small"));
    const client = clientLink(item.client);
    if (client) head.append(" · ", client);
    card.append(head, element("p", item.snippet, "snippet"));
    const meta = element("div", "source id " + item.source_id + " · score " + Number(item.score).toFixed(3), "muted small");
    if (url) {
      const open = element("a", "open in source ↗");
      open.href = url;
      open.target = "_blank";
      open.rel = "noopener noreferrer";
      meta.append(" · ", open);
    }
    card.append(meta);
    return card;
  }

  function render(result) {
    runId = result.query_run_id;
    const cited = new Set(result.citations || []);
    renderAnswer(result.answer || "");
    degraded.hidden = !result.degraded;
    stats.textContent = (result.evidence || []).length + " sources from " + (result.chunks || []).length +
      " chunks · " + result.duration_ms + " ms · quality " + Number(result.quality_score || 0).toFixed(2) +
      " · answer: " + (result.answer_mode || "") + " · mode: " + (result.mode || "") +
      ((result.entities || []).length ? " · about: " + result.entities.map((e) => e.name).join(", ") : "");
    evidenceList.replaceChildren.apply(evidenceList, (result.evidence || []).map((item) => evidenceItem(item, cited)));
    answerCard.hidden = false;
    evidenceCard.hidden = !(result.evidence || []).length;
    thumbs.forEach((thumb) => { thumb.disabled = false; thumb.setAttribute("aria-pressed", "false"); });
    feedbackNote.textContent = "";
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    WorkforceApi.showError(error, null);
    status.textContent = "searching…";
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      render(await WorkforceApi.api("POST", "/api/lightrag/query", payloadFrom(new FormData(form))));
      status.textContent = "";
    } catch (err) {
      status.textContent = "";
      WorkforceApi.showError(error, err);
    } finally {
      button.disabled = false;
    }
  });

  // Citations scroll to their card and highlight it for a moment.
  answerBox.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-cite]");
    if (!link) return;
    event.preventDefault();
    const card = document.getElementById("evidence-" + link.dataset.cite);
    if (!card) return;
    card.scrollIntoView({ behavior: "smooth", block: "center" });
    card.classList.add("highlight");
    setTimeout(() => card.classList.remove("highlight"), 1500);
  });

  thumbs.forEach(function (thumb) {
    thumb.addEventListener("click", async function () {
      if (!runId) return;
      thumbs.forEach((other) => { other.disabled = true; });
      try {
        await WorkforceApi.api("POST", "/api/lightrag/feedback", { query_run_id: runId, rating: Number(thumb.dataset.rating) });
        thumb.setAttribute("aria-pressed", "true");
        feedbackNote.textContent = "Thanks: feedback recorded.";
      } catch (err) {
        thumbs.forEach((other) => { other.disabled = false; });
        feedbackNote.textContent = err.message;
      }
    });
  });
})();
