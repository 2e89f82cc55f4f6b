// CRM: open pipeline value per stage as bars, one series per currency (never converted), from
// ops_dashboard/panels/crm.py chart_data: {stages: [...], counts: [...], series: {currency: [value per stage]}}.
WorkforceCharts.register("pipeline", function (pipeline, style) {
  "use strict";
  const currencies = Object.keys(pipeline.series);
  const width = 0.7 / Math.max(1, currencies.length);
  // Two currencies sit side by side (left and right of the stage); more overlap, drawn translucent.
  const align = (index) => (currencies.length === 2 ? (index === 0 ? -1 : 1) : 0);
  const positions = pipeline.stages.map((stage, index) => index);
  return {
    options: {
      scales: { x: { time: false, range: [-0.6, pipeline.stages.length - 0.4] }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      series: [{ label: "stage", value: (u, index) => (index === null ? "—" : pipeline.stages[index] + " (" + pipeline.counts[index] + " deals)") }]
        .concat(currencies.map((currency, index) => ({
          label: currency || "no currency",
          stroke: style.colors[index % style.colors.length],
          fill: style.colors[index % style.colors.length] + (currencies.length > 2 ? "66" : "cc"),
          paths: uPlot.paths.bars({ size: [width, 120], align: align(index) }),
          points: { show: false },
          value: (u, value) => (value === null || value === undefined ? "—" : value.toLocaleString()),
        }))),
      axes: [
        { splits: () => positions, values: (u, ticks) => ticks.map((tick) => pipeline.stages[tick] || "") },
        { size: 70, values: (u, ticks) => ticks.map((tick) => tick.toLocaleString()) },
      ],
    },
    data: [positions].concat(currencies.map((currency) => pipeline.series[currency])),
  };
});
