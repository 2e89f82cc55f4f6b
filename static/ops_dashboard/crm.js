// CRM page: a deal's stage history a reader opened stays open across live refreshes (filters are wired by
// actions.js, the chart by chart_pipeline.js).
(function () {
  "use strict";
  const open = new Set();
  document.addEventListener("toggle", function (event) {
    const row = event.target.closest && event.target.closest("tr[data-deal-id]");
    if (!row || !event.target.matches("details")) return;
    if (event.target.open) open.add(row.dataset.dealId);
    else open.delete(row.dataset.dealId);
  }, true);

  document.addEventListener("partial:updated", function (event) {
    open.forEach(function (id) {
      const details = event.target.querySelector('tr[data-deal-id="' + CSS.escape(id) + '"] details');
      if (details) details.open = true;
    });
  });
})();
