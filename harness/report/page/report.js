// Draws the report's charts as SVG from the JSON embedded in the page, offline and with no library. Every chart
// is drawn over the run's time and shares one view of it: scrolling over any chart zooms all of them, dragging
// pans, a double click (or "whole run") shows the whole run again.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const S = data.strings;
  const SVG = 'http://www.w3.org/2000/svg';
  const OUTCOMES = ['ok', 'fail', 'info'];
  const COLORS = { ok: '#2e9e44', fail: '#d62f2f', info: '#e89a10' };
  const MESSAGE_COLORS = { request: '#1e6fd9', answer: '#2e9e44', retransmission: '#d97706', corrupted: '#8d4b14', duplicate: '#8e24aa', lost: '#90a4ae' };
  const MARKS = { crash: ['✕', '#b00020'], restart: ['▲', '#2e7d32'], pause: ['■', '#607d8b'], resume: ['▶', '#607d8b'] };
  const LATENCY_FLOOR_MS = 0.1;
  const SMALLEST_VIEW_MS = 0.02;
  const fmt = (ms) => (Math.abs(ms) >= 10000 ? (ms / 1000).toFixed(2) + ' s' : ms.toFixed(ms < 10 ? 3 : 1) + ' ms');

  const whole = [0, Math.max(1, data.runEnd)];
  let view = whole.slice();
  const charts = [];

  // ---- one view of time, shared by every chart ----
  let pending = false;
  function setView(start, end) {
    let span = Math.max(SMALLEST_VIEW_MS, Math.min(whole[1] - whole[0], end - start));
    start = Math.max(whole[0], Math.min(start, whole[1] - span));
    view = [start, start + span];
    document.body.dataset.view = view.map((v) => v.toFixed(3)).join(',');
    const label = document.getElementById('zoom-range');
    if (label) label.textContent = span < whole[1] - whole[0] ? `showing ${fmt(view[0])} → ${fmt(view[1])}` : 'showing the whole run';
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        charts.forEach((c) => c.draw());
      });
    }
  }

  function el(tag, attrs, parent, title) {
    const node = document.createElementNS(SVG, tag);
    for (const k in attrs) node.setAttribute(k, attrs[k]);
    if (title) {
      const t = document.createElementNS(SVG, 'title');
      t.textContent = title;
      node.appendChild(t);
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  function niceStep(rough) {
    const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    for (const step of [1, 2, 5, 10]) if (step * magnitude >= rough) return step * magnitude;
    return 10 * magnitude;
  }

  /**
   * A chart over the run's time: an SVG in the container, a plot area with margins, the x axis drawn from the
   * shared view, and the zoom gestures. `paint(chart)` draws the content for the current view.
   */
  function timeChart(id, margin, paint) {
    const box = document.getElementById(id);
    if (!box) return undefined;
    const svg = el('svg', { class: 'plot-svg', width: '100%', height: '100%' }, box);
    const chart = { id, svg, box, margin, plot: { x: 0, y: 0, w: 1, h: 1 } };
    chart.x = (t) => chart.plot.x + ((t - view[0]) / (view[1] - view[0])) * chart.plot.w;
    chart.t = (px) => view[0] + ((px - chart.plot.x) / chart.plot.w) * (view[1] - view[0]);
    chart.visible = (a, b) => b >= view[0] && a <= view[1];
    chart.draw = () => {
      const width = box.clientWidth || 800;
      const height = box.clientHeight || 300;
      chart.plot = { x: margin.left, y: margin.top, w: Math.max(10, width - margin.left - margin.right), h: Math.max(10, height - margin.top - margin.bottom) };
      svg.replaceChildren();
      const defs = el('defs', {}, svg);
      const clip = el('clipPath', { id: `${id}-clip` }, defs);
      el('rect', { x: chart.plot.x, y: chart.plot.y - 14, width: chart.plot.w, height: chart.plot.h + 14 }, clip);
      chart.defs = defs;
      xAxis(chart);
      chart.layer = el('g', { 'clip-path': `url(#${id}-clip)` }, svg);
      faultWindows(chart);
      paint(chart);
    };
    zoomGestures(chart);
    charts.push(chart);
    return chart;
  }

  function xAxis(chart) {
    const { plot } = chart;
    const g = el('g', { class: 'axis' }, chart.svg);
    const step = niceStep((view[1] - view[0]) / Math.max(2, Math.floor(plot.w / 90)));
    const seconds = view[1] - view[0] >= 10000;
    for (let t = Math.ceil(view[0] / step) * step; t <= view[1]; t += step) {
      const x = chart.x(t);
      el('line', { x1: x, x2: x, y1: plot.y, y2: plot.y + plot.h, class: 'grid' }, g);
      const label = seconds ? (t / 1000).toFixed(step >= 1000 ? 0 : 1) + ' s' : +t.toFixed(4) + (step < 1 ? ' ms' : '');
      el('text', { x, y: plot.y + plot.h + 16, 'text-anchor': 'middle' }, g).textContent = label;
    }
    el('text', { x: plot.x + plot.w, y: plot.y + plot.h + 30, 'text-anchor': 'end', class: 'axis-name' }, g).textContent = seconds ? 'time since start' : 'ms since start';
  }

  // Link faults are shaded across every chart, labelled above the plot.
  function faultWindows(chart) {
    const { plot } = chart;
    for (const [start, end, label] of data.faults) {
      if (!chart.visible(start, end)) continue;
      const x1 = Math.max(plot.x, chart.x(start));
      const x2 = Math.min(plot.x + plot.w, chart.x(end));
      el('rect', { x: x1, y: plot.y, width: Math.max(1, x2 - x1), height: plot.h, class: 'fault' }, chart.layer, `${label}: ${fmt(start)} → ${fmt(end)}`);
      el('text', { x: x1 + 3, y: plot.y - 3, class: 'fault-label' }, chart.layer).textContent = label;
    }
  }

  function zoomGestures(chart) {
    const { svg } = chart;
    svg.addEventListener('wheel', (event) => {
      event.preventDefault();
      const rect = svg.getBoundingClientRect();
      const at = chart.t(event.clientX - rect.left);
      const factor = Math.exp(Math.max(-1, Math.min(1, event.deltaY * 0.002)));
      setView(at - (at - view[0]) * factor, at + (view[1] - at) * factor);
    }, { passive: false });
    let drag;
    svg.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      drag = { x: event.clientX, view: view.slice(), moved: false };
    });
    window.addEventListener('pointermove', (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (!drag.moved) return;
      const dt = (-dx / chart.plot.w) * (drag.view[1] - drag.view[0]);
      setView(drag.view[0] + dt, drag.view[1] + dt);
    });
    window.addEventListener('pointerup', () => (drag = undefined));
    svg.addEventListener('dblclick', () => setView(whole[0], whole[1]));
  }

  // ---- lanes ----
  function laneGeometry(chart, laneIndices) {
    const step = chart.plot.h / Math.max(1, laneIndices.length);
    const y = new Map(laneIndices.map((lane, i) => [lane, chart.plot.y + step * (i + 0.5)]));
    const g = el('g', { class: 'lanes' }, chart.svg);
    for (const lane of laneIndices) {
      el('line', { x1: chart.plot.x, x2: chart.plot.x + chart.plot.w, y1: y.get(lane), y2: y.get(lane), class: 'lane' }, g);
      el('text', { x: chart.plot.x - 8, y: y.get(lane) + 4, 'text-anchor': 'end', class: 'lane-label' }, g).textContent = data.lanes[lane];
    }
    chart.svg.insertBefore(g, chart.layer);
    return { y, step };
  }

  function nodeControl(chart, y, step) {
    for (const [lane, start, end, kind] of data.down) {
      if (!y.has(lane) || !chart.visible(start, end)) continue;
      const x1 = Math.max(chart.plot.x - 2, chart.x(start));
      const x2 = Math.min(chart.plot.x + chart.plot.w + 2, chart.x(end));
      el('rect', { x: x1, y: y.get(lane) - step * 0.3, width: Math.max(2, x2 - x1), height: step * 0.6, class: 'down' }, chart.layer, `${data.lanes[lane]} ${kind} ${fmt(start)} → ${fmt(end)}`);
    }
    for (const [lane, time, kind] of data.marks) {
      if (!y.has(lane) || !chart.visible(time, time)) continue;
      const [symbol, color] = MARKS[kind] || ['●', '#333'];
      el('text', { x: chart.x(time), y: y.get(lane) + 6, 'text-anchor': 'middle', class: 'mark', fill: color }, chart.layer, `${kind} ${data.lanes[lane]} at ${fmt(time)}`).textContent = symbol;
    }
  }

  function openCard(anchor) {
    const card = document.getElementById(anchor);
    if (!card) return;
    card.open = true;
    card.scrollIntoView({ behavior: 'smooth', block: 'start' });
    card.classList.add('flash');
    setTimeout(() => card.classList.remove('flash'), 1500);
  }

  function timeline(chart) {
    const { y, step } = laneGeometry(chart, data.lanes.map((_, i) => i));
    nodeControl(chart, y, step);
    const h = Math.max(4, step * 0.55);
    for (const [lane, start, end, outcome, id, f, node, error, unfinished] of data.bars) {
      if (!chart.visible(start, end)) continue;
      const x1 = chart.x(start);
      const name = OUTCOMES[outcome];
      const title = `${S[f]} ${S[id]} on ${S[node]}: ${name}${unfinished ? ' (never completed)' : ''} after ${fmt(end - start)}\n${fmt(start)} → ${fmt(end)}${error >= 0 ? '\n' + S[error] : ''}`;
      el('rect', { x: x1, y: y.get(lane) - h / 2, width: Math.max(2, chart.x(end) - x1 - 1), height: h, fill: COLORS[name], class: 'bar' }, chart.layer, title);
    }
    for (const [lane, time, id, by, intact] of data.executions) {
      if (!chart.visible(time, time)) continue;
      el('rect', { x: chart.x(time) - 1, y: y.get(lane) - 6, width: 2, height: 12, class: intact ? 'exec' : 'exec corrupt' }, chart.layer, `execution of ${S[id]} by ${S[by]} at ${fmt(time)}${intact ? '' : ' (body NOT intact)'}`);
    }
    for (const [lane, time, kind, anchor, label] of data.cx) {
      if (!chart.visible(time, time)) continue;
      const x = chart.x(time);
      const cy = y.get(lane);
      const diamond = el('path', { d: `M${x},${cy - 7} L${x + 6},${cy} L${x},${cy + 7} L${x - 6},${cy} Z`, class: 'cx', 'data-anchor': anchor, 'data-time': time }, chart.layer, `${S[label]}\n${S[kind]} at ${fmt(time)}\nclick: go to the counterexample`);
      diamond.addEventListener('click', () => openCard(anchor));
    }
  }

  function latency(chart) {
    const values = data.latency.map((p) => Math.max(LATENCY_FLOOR_MS, p[1]));
    const low = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
    const high = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10))));
    const { plot } = chart;
    // Log scale: a few ops stuck behind a fault take 100x the usual latency and would flatten the rest.
    const y = (ms) => plot.y + plot.h - ((Math.log10(ms) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plot.h;
    yTicks(chart, logTicks(low, high), y, (v) => (v >= 1000 ? v / 1000 + ' s' : v + ' ms'));
    for (const [t, ms, outcome, id] of data.latency) {
      if (!chart.visible(t, t)) continue;
      el('circle', { cx: chart.x(t), cy: y(Math.max(LATENCY_FLOOR_MS, ms)), r: 2.2, fill: COLORS[OUTCOMES[outcome]] }, chart.layer, `${S[id]} ${OUTCOMES[outcome]}: ${fmt(ms)} (invoked at ${fmt(t)})`);
    }
    legend(chart);
  }

  function logTicks(low, high) {
    const ticks = [];
    for (let v = low; v <= high * 1.001; v *= 10) ticks.push(+v.toPrecision(1));
    return ticks;
  }

  function yTicks(chart, ticks, y, label) {
    const g = el('g', { class: 'axis' }, chart.svg);
    for (const v of ticks) {
      el('line', { x1: chart.plot.x, x2: chart.plot.x + chart.plot.w, y1: y(v), y2: y(v), class: 'grid' }, g);
      el('text', { x: chart.plot.x - 6, y: y(v) + 4, 'text-anchor': 'end' }, g).textContent = label(v);
    }
    chart.svg.insertBefore(g, chart.layer);
  }

  // Top right, clear of the fault labels above the plot's left part.
  function legend(chart) {
    let x = chart.plot.x + chart.plot.w - 70 * OUTCOMES.length;
    for (const outcome of OUTCOMES) {
      el('rect', { x, y: 4, width: 10, height: 10, fill: COLORS[outcome] }, chart.svg);
      el('text', { x: x + 14, y: 13, class: 'legend' }, chart.svg).textContent = outcome;
      x += 70;
    }
  }

  function throughput(chart) {
    const t = data.throughput;
    const { plot } = chart;
    const totals = t.starts.map((_, i) => OUTCOMES.reduce((sum, o) => sum + t[o][i], 0));
    const top = niceStep(Math.max(1, ...totals) / 4) * 4;
    const y = (v) => plot.y + plot.h - (v / top) * plot.h;
    yTicks(chart, [0, top / 4, top / 2, (3 * top) / 4, top], y, (v) => `${Math.round(v)}/s`);
    const base = t.starts.map(() => 0);
    for (const outcome of OUTCOMES) {
      // A stacked step area: each bucket's completions per second from its start to the next bucket.
      let upper = '';
      let lower = '';
      t.starts.forEach((start, i) => {
        const x1 = chart.x(start);
        const x2 = chart.x(start + t.bucketMs);
        const v = base[i] + t[outcome][i];
        upper += `${i ? 'L' : 'M'}${x1},${y(v)} L${x2},${y(v)} `;
        lower = `L${x2},${y(base[i])} L${x1},${y(base[i])} ` + lower;
        base[i] = v;
      });
      el('path', { d: `${upper}${lower}Z`, fill: COLORS[outcome], 'fill-opacity': 0.6 }, chart.layer, `${outcome} completions per second (${t.bucketMs} ms buckets)`);
    }
    legend(chart);
  }

  // ---- the message-sequence (space-time) diagram ----
  // Deliveries and fates come as microseconds after the send.
  const messages = data.messages.map((m) => {
    m[3] = m[3].map((us) => m[2] + us / 1000);
    m[5].forEach((f) => (f[1] = m[2] + f[1] / 1000));
    return m;
  });
  let filter; // { anchor, id, keys: Set }

  function matches(m) {
    if (!filter) return true;
    if (m[6] >= 0 && S[m[6]] === filter.id) return true;
    return m[7] >= 0 && filter.keys.has(`${data.lanes[m[7]]}#${m[8]}`);
  }

  function describe(m) {
    const [from, to, sent, deliveries, flags, fates, op, keyLane, keySeq, type, bytes] = m;
    const parts = [`${S[type]}${flags & 1 ? ' (answer)' : ''}${flags & 2 ? ' (retransmission)' : ''}`];
    if (keyLane >= 0) parts.push(`message ${data.lanes[keyLane]}#${keySeq}`);
    if (op >= 0) parts.push(`op ${S[op]}`);
    const lines = [parts.join(', '), `${data.lanes[from]} → ${data.lanes[to]}, ${bytes} B, sent ${fmt(sent)}`];
    deliveries.forEach((d, i) => lines.push(`${i ? `copy ${i + 1} ` : ''}delivered ${fmt(d)} (${fmt(d - sent)} on the link)`));
    for (const [fate, time, toxic] of fates) lines.push(`${data.fates[fate]} by toxic ${S[toxic]} at ${fmt(time)}`);
    if (deliveries.length === 0 && !fates.some((f) => data.fates[f[0]] === 'dropped')) lines.push('never left its link (cut wire, crash or reset)');
    return lines.join('\n');
  }

  function arrowMarkers(chart) {
    for (const [name, color] of Object.entries(MESSAGE_COLORS)) {
      const marker = el('marker', { id: `arrow-${name}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, chart.defs);
      el('path', { d: 'M0,0 L10,5 L0,10 z', fill: color }, marker);
    }
  }

  function sequence(chart) {
    const used = new Set();
    for (const m of messages) used.add(m[0]).add(m[1]);
    const lanes = [...used].filter((l) => l >= 0).sort((a, b) => a - b);
    const { y, step } = laneGeometry(chart, lanes);
    nodeControl(chart, y, step);
    arrowMarkers(chart);
    let drawn = 0;
    for (const m of messages) {
      const [from, to, sent, deliveries, flags, fates] = m;
      const last = Math.max(sent, ...deliveries, ...fates.map((f) => f[1]));
      if (!y.has(from) || !y.has(to) || !chart.visible(sent, last) || !matches(m)) continue;
      drawn++;
      const title = describe(m);
      const fateNames = fates.map((f) => data.fates[f[0]]);
      const kind = fateNames.includes('corrupted') ? 'corrupted' : flags & 2 ? 'retransmission' : flags & 1 ? 'answer' : 'request';
      const x0 = chart.x(sent);
      const y0 = y.get(from);
      const y1 = y.get(to);
      const g = el('g', { class: `msg msg-${kind}` }, chart.layer, title);
      deliveries.forEach((d, i) => {
        const copy = i > 0 ? 'duplicate' : kind;
        el('line', { x1: x0, y1: y0, x2: chart.x(d), y2: y1, stroke: MESSAGE_COLORS[copy], 'marker-end': `url(#arrow-${copy})`, class: i > 0 ? 'copy' : '' }, g);
      });
      fates.forEach(([fate, time]) => {
        if (data.fates[fate] !== 'dropped') return;
        // A dropped copy stops halfway between the lanes, where the proxy lost it.
        const xm = chart.x(time);
        const ym = (y0 + y1) / 2;
        el('line', { x1: x0, y1: y0, x2: xm, y2: ym, stroke: MESSAGE_COLORS[kind] }, g);
        el('text', { x: xm, y: ym + 5, 'text-anchor': 'middle', class: 'drop' }, g).textContent = '✕';
      });
      if (deliveries.length === 0 && !fateNames.includes('dropped')) {
        el('line', { x1: x0, y1: y0, x2: x0 + 12, y2: (y0 + y1) / 2, stroke: MESSAGE_COLORS.lost, class: 'copy' }, g);
        el('text', { x: x0 + 14, y: (y0 + y1) / 2 + 4, class: 'lost' }, g).textContent = '?';
      }
      el('circle', { cx: x0, cy: y0, r: 2, fill: MESSAGE_COLORS[kind] }, g);
    }
    chart.box.dataset.drawn = String(drawn);
  }

  function showTrail(anchor) {
    const trail = data.trails.find((t) => t.anchor === anchor);
    filter = trail ? { anchor, id: trail.id, keys: new Set(trail.keys) } : undefined;
    document.querySelectorAll('#sequence-section button[data-trail]').forEach((b) => b.classList.toggle('active', b.dataset.trail === (anchor || '')));
    const own = messages.filter(matches);
    const note = document.getElementById('sequence-filter');
    if (note) note.textContent = filter ? `${own.length} messages of ${filter.id}` : `${messages.length} messages`;
    document.body.dataset.sequenceFilter = anchor || '';
    if (filter && own.length) {
      const times = own.flatMap((m) => [m[2], ...m[3], ...m[5].map((f) => f[1])]);
      const start = Math.min(...times);
      const end = Math.max(...times);
      const margin = Math.max(2, (end - start) * 0.1);
      setView(start - margin, end + margin);
    } else setView(view[0], view[1]);
  }

  timeChart('timeline', { left: 90, right: 24, top: 22, bottom: 36 }, timeline);
  timeChart('sequence', { left: 90, right: 24, top: 22, bottom: 36 }, sequence);
  timeChart('latency', { left: 70, right: 20, top: 24, bottom: 36 }, latency);
  timeChart('throughput', { left: 70, right: 20, top: 24, bottom: 36 }, throughput);

  document.querySelectorAll('button[data-zoom="reset"]').forEach((b) => b.addEventListener('click', () => setView(whole[0], whole[1])));
  document.querySelectorAll('button[data-trail]').forEach((button) =>
    button.addEventListener('click', (event) => {
      event.preventDefault();
      event.stopPropagation();
      showTrail(button.dataset.trail);
      if (button.classList.contains('show-messages')) document.getElementById('sequence-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
    }),
  );

  // A counterexample step links to its place on the timeline: zoom there and point at it.
  document.querySelectorAll('tr[data-time]').forEach((row) => {
    row.addEventListener('click', (event) => {
      event.preventDefault();
      const time = Number(row.dataset.time);
      const span = Math.max(20, data.runEnd / 40);
      setView(time - span, time + span);
      document.getElementById('timeline-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
      requestAnimationFrame(() => requestAnimationFrame(() => {
        document.querySelectorAll('#timeline .cx').forEach((d) => d.classList.toggle('pointed', d.dataset.anchor === row.dataset.anchor && Number(d.dataset.time) === time));
      }));
    });
  });

  window.addEventListener('resize', () => setView(view[0], view[1]));
  setView(whole[0], whole[1]);
  requestAnimationFrame(() => (document.body.dataset.chartsReady = 'true'));
})();
