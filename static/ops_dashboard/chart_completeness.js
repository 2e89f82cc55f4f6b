// Overview: reconciliation completeness per day (portfolio and each connector), from selectors.completeness_trend.
WorkforceCharts.register("completeness", function (trend, style) {
  "use strict";
  const names = Object.keys(trend.series);
  const values = names.flatMap((name) => trend.series[name]).filter((value) => value !== null);
  const low = Math.min(90, Math.floor(Math.min.apply(null, values)));
  return {
    options: {
      scales: { y: { range: [low, 100] } },
      series: [{}].concat(names.map((name, index) => ({
        label: name,
        stroke: style.colors[index % style.colors.length],
        width: name === "portfolio" ? 2.5 : 1.5,
        spanGaps: true,
        value: (u, value) => (value === null || value === undefined ? "—" : value.toFixed(1) + "%"),
      }))),
      axes: [{}, { size: 55, values: (u, ticks) => ticks.map((tick) => tick + "%") }],
    },
    data: [trend.days].concat(names.map((name) => trend.series[name])),
  };
});
