// The overview's chart: executions per day, stacked by final status, drawn by ECharts from the rows the
// page carries (the same rows as GET /api/analytics/executions-per-day).
(function () {
  var holder = document.getElementById('executions-chart');
  var source = document.getElementById('executions-per-day');
  if (!holder || !source || typeof echarts === 'undefined') {
    return;
  }
  var rows = JSON.parse(source.textContent);
  var days = [];
  var statuses = [];
  rows.forEach(function (r) {
    if (days.indexOf(r.day) < 0) { days.push(r.day); }
    if (statuses.indexOf(r.status) < 0) { statuses.push(r.status); }
  });
  days.sort();
  var colours = { completed: '#2e9e4f', failed: '#d0392e', cancelled: '#9aa3ae', skipped: '#c9a227' };
  var series = statuses.map(function (status) {
    return {
      name: status, type: 'bar', stack: 'executions', itemStyle: colours[status] ? { color: colours[status] } : undefined,
      data: days.map(function (day) {
        var row = rows.find(function (r) { return r.day === day && r.status === status; });
        return row ? row.executions : 0;
      })
    };
  });
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: days },
    yAxis: { type: 'value', minInterval: 1 },
    series: series
  });
  window.addEventListener('resize', function () { chart.resize(); });
})();
