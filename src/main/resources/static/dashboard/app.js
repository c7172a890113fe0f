// procpool's dashboard: one live stream (/api/events) feeds every panel; nothing polls.
import { call, follow, setApiKey } from './stream.js';

const $ = id => document.getElementById(id);
const esc = v => String(v ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const time = iso => iso ? new Date(iso).toLocaleTimeString() : '';

const CHART_SECONDS = 300;
const KEEP_FINISHED_MS = 60000;
const MAX_PROCESSES = 50;
const OUTPUT_LINES = 500;

const state = {
  pools: [],
  jobs: new Map(),        // id -> {id, pool, target, done, total, ready, successful, error, endedAt}
  processes: new Map(),   // id -> Process
  queues: [],
  shared: null,
  sync: [],
  perSecond: new Map(),   // epoch second -> tasks completed
  lastContact: null,
};

// ---- the stream ------------------------------------------------------------------------------

const handlers = {
  snapshot(d) {
    state.pools = d.pools;
    state.jobs = new Map(d.jobs.map(j => [j.id, j]));
    state.processes = new Map(d.processes.map(p => [p.id, p]));
    state.queues = d.queues;
    state.shared = d.shared;
    state.sync = d.sync;
    // the service's own history of tasks completed per second (the last 5 minutes), so the chart starts full
    const first = d.throughput.until - d.throughput.completed.length + 1;
    state.perSecond = new Map(d.throughput.completed.map((n, i) => [first + i, n]).filter(([, n]) => n > 0));
    renderAll();
    renderChart();
  },
  pools(d) { state.pools = d; renderPools(); },
  jobs(d) {
    for (const j of d) {
      if (j.ready) j.endedAt = Date.now();
      state.jobs.set(j.id, j);
    }
    renderJobs();
  },
  tasks(d) {
    const second = Math.floor(Date.now() / 1000);
    const n = d.reduce((sum, t) => sum + t.completed, 0);
    state.perSecond.set(second, (state.perSecond.get(second) || 0) + n);
  },
  process(d) { state.processes.set(d.process.id, d.process); renderProcesses(); },
  worker() { /* the pools event that follows shows the workers */ },
  pool(d) { if (d.state === 'deleted') { state.pools = state.pools.filter(p => p.name !== d.pool); renderPools(); } },
  queues(d) { state.queues = d; renderQueues(); },
  shared(d) { state.shared = d; renderShared(); },
  sync(d) { state.sync = d; renderSync(); },
  dropped() { /* the stream ends; the reconnect brings a fresh snapshot */ },
  skipped() { },
};

function connection(s, detail) {
  const conn = $('conn');
  conn.dataset.state = s;
  const banner = $('banner');
  $('keyform').hidden = s !== 'unauthorized';
  $('main').classList.toggle('stale', s !== 'live');
  switch (s) {
    case 'live':
      conn.textContent = 'Live';
      banner.hidden = true;
      break;
    case 'reconnecting':
      conn.textContent = 'Reconnecting…';
      break;
    case 'unauthorized':
      conn.textContent = 'API key needed';
      banner.hidden = true;
      $('keymsg').textContent = detail === 'refused' ? 'The service refused that key; try again:' : 'This service needs its API key:';
      $('key').focus();
      break;
    default:
      conn.textContent = 'Unreachable';
      banner.hidden = false;
      banner.textContent = `The service is unreachable (${detail || 'no answer'}). Retrying… `
        + (state.lastContact ? `Last contact at ${state.lastContact.toLocaleTimeString()}; what you see is as it was then.` : '');
  }
}

const stream = follow('/api/events', {
  onEvent(name, data) {
    state.lastContact = new Date();
    $('updated').textContent = 'updated ' + state.lastContact.toLocaleTimeString();
    const handler = handlers[name];
    if (handler) handler(JSON.parse(data));
  },
  onState: connection,
});

$('keyform').addEventListener('submit', e => {
  e.preventDefault();
  setApiKey($('key').value.trim());
  stream.retry();
});

// ---- actions ---------------------------------------------------------------------------------

document.addEventListener('click', async e => {
  const button = e.target.closest('button[data-action]');
  if (button) {
    e.stopPropagation();
    const { action, id } = button.dataset;
    if (action === 'pool-terminate' && !confirm(`Terminate pool ${id}? Its queued and running calls fail.`)) return;
    button.disabled = true;
    try {
      const paths = {
        'process-terminate': `/api/processes/${encodeURIComponent(id)}/terminate`,
        'process-kill': `/api/processes/${encodeURIComponent(id)}/kill`,
        'pool-terminate': `/api/pools/${encodeURIComponent(id)}/terminate`,
      };
      await call('POST', paths[action]);
    } catch (err) {
      alert(err.message);
    } finally {
      button.disabled = false;
    }
    return;
  }
  const row = e.target.closest('tr[data-process]');
  if (row) showOutput(row.dataset.process);
});

// ---- output of one process -------------------------------------------------------------------

let output = { id: null, stop: null, lines: [] };

function showOutput(id) {
  if (output.stop) output.stop();
  const p = state.processes.get(id);
  output = { id, stop: null, lines: [] };
  $('output').textContent = '';
  $('output-title').textContent = `Output of ${p ? p.name : id}`;
  renderProcesses();
  output.stop = follow(`/api/processes/${encodeURIComponent(id)}/output?follow=true`, {
    reconnect: false,
    silenceMs: 330000,
    onEvent(name, data) {
      if (output.id !== id) return;
      if (name === 'output') {
        output.lines.push(data);
        if (output.lines.length > OUTPUT_LINES) output.lines.splice(0, output.lines.length - OUTPUT_LINES);
      } else if (name === 'dropped') {
        output.lines.push(`[${data} bytes dropped]`);
      } else if (name === 'exit') {
        const proc = JSON.parse(data);
        output.lines.push(`[exited with code ${proc.exitcode}]`);
      }
      const pre = $('output');
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent = output.lines.join('\n');
      if (atEnd) pre.scrollTop = pre.scrollHeight;
    },
  });
}

// ---- rendering -------------------------------------------------------------------------------

function renderAll() {
  renderPools();
  renderJobs();
  renderProcesses();
  renderQueues();
  renderShared();
  renderSync();
}

function renderPools() {
  if (!state.pools.length) { $('pools').innerHTML = '<p class="muted">No pool.</p>'; return; }
  $('pools').innerHTML = state.pools.map(p => `
    <div class="pool" data-pool="${esc(p.name)}" data-state="${esc(p.state)}">
      <div class="pool-head">
        <strong>${esc(p.name)}</strong> <span class="badge ${esc(p.state)}">${esc(p.state)}</span>
        <span class="counts muted"><span>${p.processes} workers</span><span>pending <b data-count="pending">${p.pending}</b></span>
          <span>active <b data-count="active">${p.active}</b></span><span>completed <b data-count="completed">${p.completed}</b></span>
          <span>failed <b data-count="failed">${p.failed}</b></span></span>
        ${p.state !== 'terminated' ? `<button class="danger" data-action="pool-terminate" data-id="${esc(p.name)}">Terminate</button>` : ''}
      </div>
      ${p.lastError ? `<div class="muted">Last error: ${esc(p.lastError)}</div>` : ''}
      <table><thead><tr><th>pid</th><th>state</th><th>task</th><th class="num">tasks done</th></tr></thead><tbody>
      ${p.workers.map(w => `<tr data-worker="${esc(w.pid ?? '')}" data-worker-state="${esc(w.state)}">
        <td>${esc(w.pid ?? '—')}</td><td><span class="badge ${esc(w.state)}">${esc(w.state)}</span></td>
        <td>${esc(w.task ?? '')}</td><td class="num">${w.tasksDone}</td></tr>`).join('')}
      </tbody></table>
    </div>`).join('');
}

function renderJobs() {
  const now = Date.now();
  for (const [id, j] of state.jobs) {
    if (j.ready && now - j.endedAt > KEEP_FINISHED_MS) state.jobs.delete(id);
  }
  const jobs = [...state.jobs.values()].slice(-20);
  if (!jobs.length) { $('jobs').innerHTML = '<p class="muted">No map running.</p>'; return; }
  $('jobs').innerHTML = jobs.map(j => {
    const pct = j.total ? (100 * j.done / j.total) : 100;
    const status = !j.ready ? `${j.done.toLocaleString()} / ${j.total.toLocaleString()}`
      : j.successful ? `done, ${j.total.toLocaleString()} tasks` : `failed: ${esc(j.error)}`;
    const cls = !j.ready ? 'running' : j.successful ? 'done' : 'failed';
    return `<div class="job ${cls}" data-job="${esc(j.id)}" data-progress="${pct.toFixed(1)}" data-ready="${j.ready}">
      <div class="job-head"><span><b>${esc(j.target)}</b> on ${esc(j.pool)} <span class="muted">${esc(j.id)}</span></span>
        <span>${status} · ${pct.toFixed(0)} %</span></div>
      <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct.toFixed(0)}"><span style="width:${pct}%"></span></div>
    </div>`;
  }).join('');
}

function processBadge(p) {
  if (p.state !== 'exited') return `<span class="badge ${esc(p.state)}">${esc(p.state)}</span>`;
  return `<span class="badge ${p.exitcode === 0 ? 'exited-ok' : 'exited-bad'}">exited ${esc(p.exitcode)}</span>`;
}

function renderProcesses() {
  const list = [...state.processes.values()].sort((a, b) => (b.createdAt || '').localeCompare(a.createdAt || '')).slice(0, MAX_PROCESSES);
  if (!list.length) { $('processes').innerHTML = '<p class="muted">No process yet.</p>'; return; }
  $('processes').innerHTML = `<table><thead><tr><th>name</th><th>target</th><th>pid</th><th>state</th><th>started</th><th></th></tr></thead><tbody>
    ${list.map(p => `<tr class="selectable${p.id === output.id ? ' selected' : ''}" data-process="${esc(p.id)}" data-state="${esc(p.state)}">
      <td title="${esc(p.id)}">${esc(p.name)}</td><td>${esc(p.target)}</td><td>${esc(p.pid ?? '')}</td><td>${processBadge(p)}</td>
      <td>${time(p.startedAt)}</td>
      <td>${p.alive ? `<button data-action="process-terminate" data-id="${esc(p.id)}">Terminate</button>
        <button class="danger" data-action="process-kill" data-id="${esc(p.id)}">Kill</button>` : ''}</td></tr>`).join('')}
    </tbody></table>`;
}

function renderQueues() {
  if (!state.queues.length) { $('queues').innerHTML = '<p class="muted">No queue.</p>'; return; }
  $('queues').innerHTML = `<table><thead><tr><th>name</th><th class="num">size</th><th></th><th class="num">maxsize</th>
    <th class="num">unfinished</th><th class="num">waiting gets</th></tr></thead><tbody>
    ${state.queues.map(q => {
      const fill = q.maxsize > 0 ? Math.min(100, 100 * q.size / q.maxsize) : Math.min(100, q.size ? 100 * Math.log10(1 + q.size) / 5 : 0);
      return `<tr data-queue="${esc(q.name)}"><td>${esc(q.name)}${q.joinable ? ' <span class="muted">joinable</span>' : ''}</td>
        <td class="num">${q.size}</td><td><span class="depth"><span style="width:${fill}%"></span></span></td>
        <td class="num">${q.maxsize || '∞'}</td><td class="num">${q.joinable ? q.unfinished : ''}</td><td class="num">${q.waitingGets}</td></tr>`;
    }).join('')}</tbody></table>`;
}

function renderShared() {
  const s = state.shared;
  if (!s || (!s.values.length && !s.arrays.length && !s.memory.length)) { $('shared').innerHTML = '<p class="muted">Nothing shared.</p>'; return; }
  const rows = [
    ...s.values.map(v => `<tr data-value="${esc(v.name)}"><td>${esc(v.name)}</td><td>Value('${esc(v.typecode)}')</td><td class="values">${esc(JSON.stringify(v.value))}</td></tr>`),
    ...s.arrays.map(a => `<tr data-array="${esc(a.name)}"><td>${esc(a.name)}</td><td>Array('${esc(a.typecode)}', ${a.length})</td>
      <td class="values" title="${esc(JSON.stringify(a.values))}">${esc(JSON.stringify(a.values.slice(0, 16)).replace(/]$/, a.length > 16 ? ', …]' : ']'))}</td></tr>`),
    ...s.memory.map(m => `<tr><td>${esc(m.name)}</td><td>SharedMemory</td><td class="muted">${m.size} bytes</td></tr>`),
  ];
  $('shared').innerHTML = `<table><thead><tr><th>name</th><th>type</th><th>value</th></tr></thead><tbody>${rows.join('')}</tbody></table>
    <p class="muted">${(s.usedBytes / 1024).toFixed(1)} KiB of ${(s.maxBytes / 1048576).toFixed(0)} MiB shared memory in use</p>`;
}

function syncState(o) {
  switch (o.kind) {
    case 'locks': case 'rlocks': case 'conditions':
      return o.locked ? `<span class="badge locked">held by pid ${esc(o.ownerPid)}</span>${o.holdCount > 1 ? ` ×${o.holdCount}` : ''}`
        : '<span class="badge free">free</span>';
    case 'semaphores': case 'bounded-semaphores': {
      const holders = Object.entries(o.holders || {}).map(([pid, n]) => `pid ${esc(pid)}: ${n}`).join(', ');
      return `${o.value} of ${o.initial} free${holders ? ` <span class="muted">(${holders})</span>` : ''}`;
    }
    case 'events':
      return o.isSet ? '<span class="badge set">set</span>' : '<span class="badge">clear</span>';
    case 'barriers':
      return o.broken ? '<span class="badge broken">broken</span>' : `${o.waiting} of ${o.parties} waiting`;
    default:
      return '';
  }
}

function renderSync() {
  if (!state.sync.length) { $('sync').innerHTML = '<p class="muted">None.</p>'; return; }
  $('sync').innerHTML = `<table><thead><tr><th>name</th><th>kind</th><th>state</th><th class="num">waiters</th></tr></thead><tbody>
    ${state.sync.map(o => `<tr data-sync="${esc(o.name)}"><td>${esc(o.name)}</td><td>${esc(o.kind)}</td><td>${syncState(o)}</td>
      <td class="num">${o.waiters ?? ''}</td></tr>`).join('')}</tbody></table>`;
}

function renderChart() {
  const now = Math.floor(Date.now() / 1000);
  const values = [];
  for (let s = now - CHART_SECONDS + 1; s <= now; s++) values.push(state.perSecond.get(s) || 0);
  for (const s of state.perSecond.keys()) if (s <= now - CHART_SECONDS) state.perSecond.delete(s);
  // the current second is still filling: the rate is the mean of the three seconds before it
  const rate = Math.round(values.slice(-4, -1).reduce((a, b) => a + b, 0) / 3);
  const peak = Math.max(1, ...values);
  const points = values.map((v, i) => `${(i * 300 / (CHART_SECONDS - 1)).toFixed(1)},${(78 - 74 * v / peak).toFixed(1)}`);
  $('chart').innerHTML = `<polygon points="0,80 ${points.join(' ')} 300,80"></polygon><polyline points="${points.join(' ')}"></polyline>`;
  $('rate').textContent = `${rate.toLocaleString()} tasks/s`;
  $('peak').textContent = `peak ${peak.toLocaleString()} tasks/s`;
}

setInterval(() => { renderChart(); renderJobs(); }, 1000);
renderChart();
