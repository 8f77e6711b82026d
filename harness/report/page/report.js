// Draws the report's charts from the JSON embedded in the page. Runs in the browser, offline: ECharts is inlined
// before this script. Every chart shares the run's time axis, so zooming one zooms all.
/* global echarts */
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const OUTCOMES = ['ok', 'fail', 'info'];
  const COLORS = { ok: '#2e9e44', fail: '#d62f2f', info: '#e89a10' };
  const MARK_SYMBOLS = {
    crash: { symbol: 'path://M2,0 L5,3 L8,0 L10,2 L7,5 L10,8 L8,10 L5,7 L2,10 L0,8 L3,5 L0,2 Z', color: '#b00020' },
    restart: { symbol: 'triangle', color: '#2e7d32' },
    pause: { symbol: 'rect', color: '#607d8b' },
    resume: { symbol: 'arrow', color: '#607d8b' },
  };
  const LATENCY_FLOOR_MS = 0.1;
  const fmt = (ms) => (ms >= 10000 ? (ms / 1000).toFixed(2) + ' s' : ms.toFixed(1) + ' ms');
  const escapeHtml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

  const xAxis = { type: 'value', min: 0, max: Math.max(1, data.runEnd), name: 'ms since start', nameLocation: 'middle', nameGap: 26, axisLabel: { formatter: (v) => String(Math.round(v)) } };

  // Fault windows are shaded across every lane of every chart.
  const faultArea = {
    silent: true,
    itemStyle: { color: 'rgba(214, 47, 47, 0.10)' },
    // Above the plot area, where no bar or point can hide it.
    label: { show: true, position: 'top', color: '#9b1c1c', fontSize: 10 },
    data: data.faults.map(([start, end, label]) => [{ xAxis: start, name: label }, { xAxis: end }]),
  };

  // An empty series that only carries the fault windows, so the legend can hide them.
  const faultSeries = () => ({ name: 'fault window', type: 'line', data: [], markArea: faultArea });

  function barRenderer(params, api) {
    const lane = api.value(0);
    const from = api.coord([api.value(1), lane]);
    const to = api.coord([api.value(2), lane]);
    const height = api.size([0, 1])[1] * 0.55;
    const shape = echarts.graphic.clipRectByRect(
      // One pixel less than the op's span, so back-to-back ops of one client stay apart.
      { x: from[0], y: from[1] - height / 2, width: Math.max(2, to[0] - from[0] - 1), height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height },
    );
    return shape && { type: 'rect', transition: ['shape'], shape, style: api.style() };
  }

  function timeline() {
    const chart = echarts.init(document.getElementById('timeline'), null, { renderer: 'canvas' });
    const series = OUTCOMES.map((outcome, o) => ({
      name: outcome,
      type: 'custom',
      renderItem: barRenderer,
      itemStyle: { color: COLORS[outcome], opacity: 0.85 },
      encode: { x: [1, 2], y: 0 },
      data: data.bars.filter((b) => b[3] === o),
      tooltip: {
        formatter: (p) => {
          const [, start, end, , id, f, node, error, unfinished] = p.value;
          return `<b>${escapeHtml(f)}</b> ${escapeHtml(id ?? '')} on ${escapeHtml(node ?? '?')}<br>${outcome}${unfinished ? ' (never completed)' : ''}`
            + ` after ${fmt(end - start)}<br>${fmt(start)} → ${fmt(end)}${error ? '<br>' + escapeHtml(error) : ''}`;
        },
      },
    }));
    series.push(faultSeries());
    series.push({
      name: 'node down',
      type: 'custom',
      renderItem: barRenderer,
      itemStyle: { color: 'rgba(96, 125, 139, 0.35)', borderColor: '#607d8b', borderType: 'dashed' },
      encode: { x: [1, 2], y: 0 },
      data: data.down,
      tooltip: { formatter: (p) => `${escapeHtml(data.lanes[p.value[0]])} ${p.value[3]} ${fmt(p.value[1])} → ${fmt(p.value[2])}` },
    });
    const executionSeries = (name, intact, color) => ({
      name,
      type: 'scatter',
      symbol: 'rect',
      symbolSize: [2, 12],
      itemStyle: { color },
      data: data.executions.filter((e) => e[4] === intact).map(([lane, time, id, by]) => [time, lane, id, by]),
      tooltip: { formatter: (p) => `${name} of ${escapeHtml(p.value[2])} by ${escapeHtml(p.value[3])} at ${fmt(p.value[0])}` },
    });
    series.push(executionSeries('execution', 1, '#37474f'));
    if (data.executions.some((e) => e[4] === 0)) series.push(executionSeries('corrupt execution', 0, '#d62f2f'));
    for (const kind of Object.keys(MARK_SYMBOLS)) {
      const marks = data.marks.filter((m) => m[2] === kind);
      if (marks.length === 0) continue;
      series.push({
        name: kind,
        type: 'scatter',
        symbol: MARK_SYMBOLS[kind].symbol,
        symbolSize: 14,
        z: 5,
        itemStyle: { color: MARK_SYMBOLS[kind].color },
        data: marks.map(([lane, time]) => [time, lane]),
        tooltip: { formatter: (p) => `${kind} ${escapeHtml(data.lanes[p.value[1]])} at ${fmt(p.value[0])}` },
      });
    }
    series.push({
      name: 'counterexample',
      type: 'scatter',
      symbol: 'diamond',
      symbolSize: 13,
      z: 6,
      itemStyle: { color: '#6a1b9a', borderColor: '#fff', borderWidth: 1 },
      data: data.cx.map(([lane, time, kind, anchor, label]) => ({ value: [time, lane, kind, anchor, label], id: `${anchor}:${time}:${lane}` })),
      tooltip: { formatter: (p) => `<b>${escapeHtml(p.value[4])}</b><br>${escapeHtml(p.value[2])} at ${fmt(p.value[0])}<br>click: go to the counterexample` },
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'item', confine: true },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 90, right: 24, top: 48, bottom: 70 },
      xAxis,
      yAxis: { type: 'category', data: data.lanes, inverse: true, splitLine: { show: true, lineStyle: { color: '#eee' } } },
      dataZoom: [{ type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', bottom: 8, height: 18 }, { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter' }],
      series,
    });
    chart.on('click', { seriesName: 'counterexample' }, (p) => {
      const card = document.getElementById(p.value[3]);
      if (card) {
        card.open = true;
        card.scrollIntoView({ behavior: 'smooth', block: 'start' });
        card.classList.add('flash');
        setTimeout(() => card.classList.remove('flash'), 1500);
      }
    });
    return chart;
  }

  function latency() {
    const chart = echarts.init(document.getElementById('latency'));
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'item', formatter: (p) => `${escapeHtml(p.value[3] ?? '')} ${p.seriesName}: ${fmt(p.value[1])} (invoked at ${fmt(p.value[0])})` },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 70, right: 24, top: 48, bottom: 70 },
      xAxis,
      // Log scale: a few ops stuck behind a fault take 100x the usual latency and would flatten the rest.
      yAxis: { type: 'log', name: 'latency (ms, log)' },
      dataZoom: [{ type: 'slider', xAxisIndex: 0, filterMode: 'filter', bottom: 8, height: 18 }, { type: 'inside', xAxisIndex: 0 }],
      series: OUTCOMES.map((outcome, o) => ({
        name: outcome,
        type: 'scatter',
        symbolSize: 4,
        large: true,
        itemStyle: { color: COLORS[outcome] },
        data: data.latency.filter((p) => p[2] === o).map(([t, ms, , id]) => [t, Math.max(LATENCY_FLOOR_MS, ms), o, id]),
      })).concat(faultSeries()),
    });
    return chart;
  }

  function throughput() {
    const t = data.throughput;
    const chart = echarts.init(document.getElementById('throughput'));
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v) => `${Math.round(v)} ops/s` },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 70, right: 24, top: 48, bottom: 70 },
      xAxis,
      yAxis: { type: 'value', name: `ops/s (${t.bucketMs} ms buckets)` },
      dataZoom: [{ type: 'slider', xAxisIndex: 0, bottom: 8, height: 18 }, { type: 'inside', xAxisIndex: 0 }],
      series: OUTCOMES.map((outcome, o) => ({
        name: outcome,
        type: 'line',
        step: 'start',
        stack: 'completions',
        areaStyle: { opacity: 0.6 },
        lineStyle: { width: 0 },
        symbol: 'none',
        itemStyle: { color: COLORS[outcome] },
        data: t.starts.map((start, i) => [start, t[outcome][i]]),
      })).concat(faultSeries()),
    });
    return chart;
  }

  const charts = [timeline(), latency(), throughput()];
  echarts.connect(charts);
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

  // A counterexample step links to its place on the timeline: zoom there and point at it.
  document.querySelectorAll('[data-time]').forEach((row) => {
    row.addEventListener('click', (event) => {
      event.preventDefault();
      const time = Number(row.dataset.time);
      const span = Math.max(50, data.runEnd / 40);
      charts[0].dispatchAction({ type: 'dataZoom', startValue: Math.max(0, time - span), endValue: Math.min(data.runEnd, time + span) });
      document.getElementById('timeline-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
      const index = data.cx.findIndex(([lane, t, , anchor]) => anchor === row.dataset.anchor && t === time && data.lanes[lane] === row.dataset.lane);
      const seriesIndex = charts[0].getOption().series.findIndex((s) => s.name === 'counterexample');
      if (index >= 0) setTimeout(() => charts[0].dispatchAction({ type: 'showTip', seriesIndex, dataIndex: index }), 400);
    });
  });
  document.body.dataset.chartsReady = 'true';
})();
