// Draws the dashboard's charts with the locally served ECharts from the figures the server computed
// (read from a json_script element: data, never code). Without scripts the page shows the same tables.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var COLORS = ["#1e7b48", "#5fa777", "#1f5fa8", "#b42318", "#c5cad3", "#eaa43b"];
  var charts = [];
  document.body.classList.add("charts-on");

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: "inherit" };
    option.tooltip = Object.assign({ renderMode: "richText", confine: true }, option.tooltip || {});
    chart.setOption(option);
    charts.push(chart);
  }

  function short(text, size) { return text.length > size ? text.slice(0, size) + "…" : text; }

  function stacked(id, rows, horizontal) {
    var names = rows.map(function (row) { return row.name; });
    var series = data.categories.map(function (label, index) {
      return { name: label, type: "bar", stack: "all", color: COLORS[index], barMaxWidth: 28,
               data: rows.map(function (row) { return row.counts[index]; }) };
    });
    var category = { type: "category", data: names, inverse: horizontal,
                     axisLabel: { formatter: function (v) { return short(v, horizontal ? 12 : 8); },
                                  interval: 0, rotate: horizontal ? 0 : 20 } };
    draw(id, {
      legend: { top: 0 }, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: horizontal ? 150 : 40, right: 20, top: 36, bottom: horizontal ? 20 : 70 },
      xAxis: horizontal ? { type: "value" } : category,
      yAxis: horizontal ? category : { type: "value" },
      series: series
    });
  }

  stacked("chart-sections", data.sections, false);
  stacked("chart-units", data.units, true);

  var heat = data.heatmap;
  if (heat.months.length) {
    var cells = [], max = 1;
    heat.counts.forEach(function (row, y) {
      row.forEach(function (value, x) { cells.push([x, y, value]); max = Math.max(max, value); });
    });
    draw("chart-heatmap", {
      tooltip: { position: "top" },
      grid: { left: 150, right: 20, top: 10, bottom: 80 },
      xAxis: { type: "category", data: heat.months, splitArea: { show: true } },
      yAxis: { type: "category", data: heat.units, inverse: true, axisLabel: { interval: 0, formatter: function (v) { return short(v, 12); } } },
      visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#f6f7f9", "#f6c2b8", "#b42318"] } },
      series: [{ name: "逾期报送", type: "heatmap", data: cells, label: { show: true, formatter: function (p) { return p.value[2] || ""; } } }]
    });
  }

  if (data.targets.length) {
    var targetNames = data.targets.map(function (t) { return t.label; });
    var parts = [["达标", "met", COLORS[0]], ["未达标", "not_met", COLORS[3]], ["未填报", "no_data", COLORS[4]]];
    draw("chart-targets", {
      legend: { top: 0 }, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 250, right: 20, top: 36, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: targetNames, inverse: true, axisLabel: { interval: 0, formatter: function (v) { return short(v, 22); } } },
      series: parts.map(function (p) {
        return { name: p[0], type: "bar", stack: "all", color: p[2], barMaxWidth: 22,
                 data: data.targets.map(function (t) { return t[p[1]]; }) };
      })
    });
  }

  if (data.trend.length) {
    var labels = data.trend.map(function (c) { return c.label; });
    var column = function (name, key, color) {
      return { name: name, type: "bar", stack: "n", color: color, barMaxWidth: 36,
               data: data.trend.map(function (c) { return c[key]; }) };
    };
    var line = function (name, key, color) {
      return { name: name, type: "line", yAxisIndex: 1, color: color, symbolSize: 8,
               data: data.trend.map(function (c) { return c[key]; }) };
    };
    draw("chart-trend", {
      legend: { top: 0 }, tooltip: { trigger: "axis" },
      grid: { left: 50, right: 50, top: 40, bottom: 30 },
      xAxis: { type: "category", data: labels },
      yAxis: [{ type: "value", name: "份" }, { type: "value", name: "%", min: 0, max: 100 }],
      series: [column("按时", "on_time", COLORS[0]), column("迟报", "late", COLORS[5]), column("未报", "missing", COLORS[3]),
               line("按时率", "on_time_share", "#1f5fa8"), line("采纳率", "accepted_share", "#8b1e1e")]
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
})();
