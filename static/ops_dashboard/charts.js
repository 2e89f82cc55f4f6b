// Charts drawn with uPlot (static/vendor/uplot) from JSON a partial renders next to its chart element:
//   <div data-chart="throughput" data-chart-data="throughput-data"></div> + {{ data|json_script:"throughput-data" }}
// A chart file registers how to turn that JSON into uPlot options and data; charts are drawn on load and
// again whenever their partial refreshes (live.js fires "partial:updated") or the window is resized.
(function () {
  "use strict";
  const HEIGHT = 220;
  const COLORS = ["#2f5bea", "#067647", "#b54708", "#b42318", "#7a5af8", "#0e9384"];
  const DAY = 86400;
  const builders = {};
  let plots = [];


  // Seconds the time axis covers, on the chart element (uPlot sets its scales after the constructor returns).
  function spanRecord(u, scaleKey) {
    if (scaleKey === "x") u.root.parentElement.dataset.span = String(u.scales.x.max - u.scales.x.min);
  }

  function draw(element) {
    const build = builders[element.dataset.chart];
    const source = document.getElementById(element.dataset.chartData);
    if (!build || !source || !window.uPlot) return;
    const chart = build(JSON.parse(source.textContent), { colors: COLORS });
    element.replaceChildren();
    const options = Object.assign({ width: Math.max(240, element.clientWidth), height: HEIGHT }, chart.options);
    options.hooks = { setScale: [spanRecord] };
    const plot = new uPlot(options, chart.data, element);
    // The time axis spans the data; uPlot pads a lone point by 1000 days (86400 / ms), so give it a day each side.
    const times = chart.data[0];
    if (times.length === 1) plot.setScale("x", { min: times[0] - DAY, max: times[0] + DAY });
    plots.push({ plot: plot, element: element });
    element.dataset.drawn = String(chart.data[0].length);
  }

  function drawIn(root) {
    // Charts whose partial was re-rendered are gone from the page: release their listeners.
    plots = plots.filter(function (entry) {
      if (entry.element.isConnected && !root.contains(entry.element)) return true;
      entry.plot.destroy();
      return false;
    });
    root.querySelectorAll("[data-chart]").forEach(draw);
  }

  function register(name, build) {
    builders[name] = build;
    document.querySelectorAll('[data-chart="' + name + '"]').forEach(draw);
  }

  let resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      plots.forEach((entry) => entry.plot.setSize({ width: Math.max(240, entry.element.clientWidth), height: HEIGHT }));
    }, 150);
  });
  document.addEventListener("partial:updated", (event) => drawIn(event.target));

  window.WorkforceCharts = { register: register };
})();
