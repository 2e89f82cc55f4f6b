// Overview: rows fetched per sync run over time, one series per connector, from selectors.sync_throughput.
WorkforceCharts.register("throughput", function (throughput, style) {
  "use strict";
  const times = Array.from(new Set(throughput.points.map((point) => point.at))).sort((a, b) => a - b);
  const index = new Map(times.map((time, position) => [time, position]));
  const series = throughput.connectors.map(function (connector) {
    const values = times.map(() => null);
    throughput.points
      .filter((point) => point.connector === connector)
      .forEach((point) => { values[index.get(point.at)] = point.fetched; });
    return values;
  });
  return {
    options: {
      series: [{}].concat(throughput.connectors.map((connector, position) => ({
        label: connector,
        stroke: style.colors[position % style.colors.length],
        width: 1.5,
        spanGaps: true,
        points: { show: true, size: 5 },
        value: (u, value) => (value === null || value === undefined ? "—" : value.toLocaleString() + " rows"),
      }))),
      axes: [{}, { size: 60, values: (u, ticks) => ticks.map((tick) => tick.toLocaleString()) }],
    },
    data: [times].concat(series),
  };
});
