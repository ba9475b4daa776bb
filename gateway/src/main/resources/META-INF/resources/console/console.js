// The Tollgate web console (docs/console.md). Plain ES2020 in one file: no build step. Every number comes from the
// admin API (/admin/v1/...) with the token the operator signed in with; text is always set with textContent, never
// as HTML, so nothing a client put in an id can run here.
'use strict';

const TOKEN_KEY = 'tollgate.console.token';
const FEED_ROWS = 200;
const REFRESH_MS = 10000;
const RANGES = {
  '15m': {ms: 15 * 60e3, granularity: '1m'},
  '1h': {ms: 60 * 60e3, granularity: '1m'},
  '6h': {ms: 6 * 3600e3, granularity: '1m'},
  '24h': {ms: 24 * 3600e3, granularity: '1h'},
  '7d': {ms: 7 * 86400e3, granularity: '1h'},
};

const $ = (id) => document.getElementById(id);
const state = {token: null, feedAbort: null, timers: [], charts: {}, orgsSeen: new Set(), modelsSeen: new Set()};

// ---- formatting ----------------------------------------------------------------------------------------------------
const usd = (micros) => '$' + (micros / 1e6).toFixed(micros !== 0 && Math.abs(micros) < 10000 ? 6 : 4);
const pct = (share) => (share * 100).toFixed(1) + '%';
const ms = (v) => (v === null || v === undefined ? '-' : v + ' ms');
const time = (iso) => new Date(iso).toLocaleTimeString([], {hour12: false});

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '-' : String(text);
  if (cls) td.className = cls;
  return td;
}

// ---- the admin API -------------------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
    this.code = body && body.error && body.error.code;
  }
}

async function api(path) {
  const response = await fetch(path, {headers: {Authorization: 'Bearer ' + state.token, Accept: 'application/json'}});
  const body = await response.json().catch(() => null);
  if (response.status === 401) {
    signOut('The token was refused: ' + new ApiError(401, body).message);
    throw new ApiError(401, body);
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => { if (v !== null && v !== undefined && v !== '') q.set(k, v); });
  return q.toString();
}

function range() {
  const r = RANGES[$('range').value];
  const to = new Date();
  return {from: new Date(to.getTime() - r.ms).toISOString(), to: to.toISOString(), granularity: r.granularity};
}

function usage(params) {
  return api('/admin/v1/console/usage?' + query({...params, ...range()})).then((list) => list.data);
}

// ---- sign-in -------------------------------------------------------------------------------------------------------
async function signIn(token) {
  state.token = token;
  let session;
  try {
    session = await api('/admin/v1/console/session');
  } catch (e) {
    if (e.status !== 401) $('sign-in-error').textContent = 'Could not sign in: ' + e.message;
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('sign-in-panel').hidden = true;
  $('dashboard').hidden = false;
  $('controls').hidden = false;
  $('access').textContent = session.access === 'admin' ? 'admin' : 'read-only';
  state.session = session;
  await loadOrgs();
  startFeed();
  refresh();
  state.timers.push(setInterval(refresh, REFRESH_MS));
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  state.timers.forEach(clearInterval);
  state.timers = [];
  if (state.feedAbort) state.feedAbort.abort();
  $('dashboard').hidden = true;
  $('controls').hidden = true;
  $('sign-in-panel').hidden = false;
  $('sign-in-error').textContent = message || '';
}

async function loadOrgs() {
  const orgs = await api('/admin/v1/orgs').then((l) => l.data.map((o) => o.id)).catch(() => []);
  orgs.forEach((o) => state.orgsSeen.add(o));
  renderOrgs();
}

function renderOrgs() {
  const select = $('org');
  const current = select.value;
  const known = [...state.orgsSeen].sort();
  if (known.length === select.options.length) return;
  select.replaceChildren(...known.map((o) => new Option(o, o)));
  select.value = current && known.includes(current) ? current : known[0] || '';
}

// ---- refresh cycle -------------------------------------------------------------------------------------------------
function refresh() {
  const org = $('org').value;
  Promise.allSettled([spend(org), alerts(), budgets(org), evalRuns(), health()]).then((results) => results
      .filter((r) => r.status === 'rejected' && r.reason.status !== 401)
      .forEach((r) => console.warn('console refresh failed', r.reason)));
}

function chart(id, element) {
  if (!state.charts[id]) state.charts[id] = echarts.init(element || $(id), null, {renderer: 'canvas'});
  return state.charts[id];
}

// Spend (bars, dollars) and tokens (line) per window, for the org total or one series per model or key.
async function spend(org) {
  const note = $('spend-note');
  if (!org) {
    $('spend-summary').textContent = 'No org yet: create one (tollgate orgs create) or send a request.';
    return;
  }
  const split = $('split').value;
  let series;
  try {
    if (split === 'model') {
      const models = await modelNames();
      series = await Promise.all(models.map((m) => usage({org, model: m}).then((d) => ({name: m, data: d}))));
    } else if (split === 'key') {
      const keys = await api('/admin/v1/keys?' + query({org_id: org})).then((l) => l.data.map((k) => k.id));
      series = await Promise.all(keys.map((k) => usage({org, key: k}).then((d) => ({name: k, data: d}))));
    } else if (split === 'team') {
      const teams = await api('/admin/v1/orgs/' + encodeURIComponent(org) + '/teams').then((l) => l.data.map((t) => t.id));
      series = await Promise.all(teams.map((t) => usage({org, team: t}).then((d) => ({name: t, data: d}))));
    } else {
      series = [{name: org, data: await usage({org})}];
    }
    note.textContent = 'Rollups from the streams app (' + range().granularity + ' windows)'
        + (split === 'team' ? ': a team counts the requests of its keys; keys without a team are in no team.' : '.');
  } catch (e) {
    note.textContent = e.code === 'streams_unavailable' ? e.message : 'Usage could not be read: ' + e.message;
    series = [];
  }
  series = series.filter((s) => s.data.length > 0);
  const totals = series.reduce((t, s) => s.data.reduce((u, w) => ({
    requests: u.requests + w.requests, tokens: u.tokens + w.prompt_tokens + w.completion_tokens,
    cost: u.cost + w.cost_micros}), t), {requests: 0, tokens: 0, cost: 0});
  const summary = $('spend-summary');
  summary.textContent = org + ': ' + totals.requests + ' requests, ' + totals.tokens + ' tokens, ' + usd(totals.cost)
      + ' in range';
  summary.dataset.requests = totals.requests;
  summary.dataset.costMicros = totals.cost;
  summary.dataset.tokens = totals.tokens;
  summary.dataset.series = JSON.stringify(series.map((s) => s.name));
  summary.dataset.split = split;
  const shown = range();
  chart('spend-chart').setOption({
    animation: false,
    tooltip: {trigger: 'axis'},
    legend: {type: 'scroll', bottom: 0},
    grid: {left: 70, right: 70, top: 20, bottom: 50},
    // The whole range, however few windows have usage: one window must not stretch across the chart.
    xAxis: {type: 'time', min: Date.parse(shown.from), max: Date.parse(shown.to)},
    yAxis: [{type: 'value', name: 'USD', axisLabel: {formatter: (v) => '$' + v}},
      {type: 'value', name: 'tokens', splitLine: {show: false}}],
    series: series.flatMap((s) => [
      {name: s.name + ' cost', type: 'bar', stack: 'cost', yAxisIndex: 0, barMaxWidth: 18,
        data: s.data.map((w) => [w.window_start, w.cost_micros / 1e6])},
      {name: s.name + ' tokens', type: 'line', yAxisIndex: 1, showSymbol: s.data.length < 30,
        data: s.data.map((w) => [w.window_start, w.prompt_tokens + w.completion_tokens])},
    ]),
  }, {notMerge: true});
}

async function modelNames() {
  const deployments = await api('/admin/v1/deployments').then((l) => l.data).catch(() => []);
  deployments.forEach((d) => state.modelsSeen.add(d.model));
  return [...state.modelsSeen].sort();
}

// Each budget of the org: cumulative spend over its current period against its limit and an even pace.
async function budgets(org) {
  const container = $('budgets');
  const list = org ? await api('/admin/v1/budgets?' + query({org_id: org})).then((l) => l.data) : [];
  $('budgets-note').textContent = list.length ? 'Spend is this gateway replica\'s live view: published spend plus '
      + 'its own unpublished spend. The dashed line is an even pace to the limit.'
      : 'No budgets for this org (tollgate budgets set).';
  const keep = new Set(list.map((b) => 'budget-' + b.id));
  [...container.children].filter((c) => !keep.has(c.id)).forEach((c) => {
    if (state.charts[c.id]) { state.charts[c.id].dispose(); delete state.charts[c.id]; }
    c.remove();
  });
  for (const b of list) {
    await budget(container, b).catch((e) => console.warn('budget', b.id, e));
  }
}

async function budget(container, b) {
  const id = 'budget-' + b.id;
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement('div');
    box.id = id;
    box.className = 'budget';
    box.append(document.createElement('h3'), document.createElement('div'));
    box.lastChild.className = 'chart';
    container.append(box);
  }
  const live = b.live;
  const spent = live ? live.spent_micros : 0;
  box.dataset.spentMicros = spent;
  box.dataset.limitMicros = b.amount_micros;
  box.firstChild.textContent = b.id + ' (' + b.scope_type + ' ' + b.scope_id + ', ' + b.period + ', ' + b.enforcement
      + '): ' + usd(spent) + ' of ' + usd(b.amount_micros) + ' (' + pct(b.amount_micros ? spent / b.amount_micros : 0)
      + ')';
  if (!live) return;
  const start = new Date(live.period_start).getTime();
  const end = new Date(live.period_end).getTime();
  const now = Date.now();
  let points = [];
  if (b.scope_type === 'org' || b.scope_type === 'key' || b.scope_type === 'team') {
    const granularity = end - start > 2 * 86400e3 ? '1d' : '1h';
    const params = b.scope_type === 'org' ? {org: b.org_id} : {org: b.org_id, [b.scope_type]: b.scope_id};
    const windows = await api('/admin/v1/console/usage?' + query({...params, granularity,
      from: new Date(start).toISOString(), to: new Date(now).toISOString()})).then((l) => l.data).catch(() => []);
    let sum = 0;
    points = windows.map((w) => [w.window_end < live.period_end ? w.window_end : new Date(now).toISOString(),
      (sum += w.cost_micros) / 1e6]);
  }
  points.unshift([new Date(start).toISOString(), 0]);
  points.push([new Date(now).toISOString(), spent / 1e6]);
  chart(id, box.lastChild).setOption({
    animation: false,
    tooltip: {trigger: 'axis'},
    grid: {left: 60, right: 20, top: 15, bottom: 30},
    xAxis: {type: 'time', min: start, max: end},
    yAxis: {type: 'value', max: (v) => Math.max(v.max, b.amount_micros / 1e6) * 1.05,
      axisLabel: {formatter: (v) => '$' + v}},
    series: [
      {name: 'spent', type: 'line', step: 'end', areaStyle: {opacity: .15}, showSymbol: false, data: points,
        markLine: {silent: true, symbol: 'none', data: [{yAxis: b.amount_micros / 1e6, name: 'limit'}],
          lineStyle: {color: '#c23b3b'}, label: {formatter: 'limit'}}},
      {name: 'even pace', type: 'line', showSymbol: false, lineStyle: {type: 'dashed', color: '#999'},
        data: [[start, 0], [end, b.amount_micros / 1e6]]},
    ],
  }, {notMerge: true});
}

// Alerts firing, pending and recently resolved (the streams app), and which silences mute them (the admin API).
async function alerts() {
  const note = $('alerts-note');
  let list;
  try {
    list = await api('/admin/v1/console/alerts').then((l) => l.data);
  } catch (e) {
    note.textContent = e.code === 'streams_unavailable' ? e.message : 'Alerts could not be read: ' + e.message;
    return;
  }
  const silences = await api('/admin/v1/silences?state=active').then((l) => l.data).catch(() => null);
  const now = Date.now();
  const muting = (labels) => (silences || []).filter((s) => Date.parse(s.starts_at) <= now && now < Date.parse(s.ends_at)
      && Object.keys(s.matchers).length > 0
      && Object.entries(s.matchers).every(([name, value]) => labels[name] === value)).map((s) => s.id);
  const rows = list.map((a) => {
    const tr = document.createElement('tr');
    const by = muting(a.labels || {});
    tr.dataset.fingerprint = a.fingerprint;
    tr.dataset.state = a.state;
    tr.dataset.silenced = by.join(',');
    if (by.length) tr.className = 'silenced';
    const since = a.state === 'firing' ? a.fired_at : a.state === 'resolved' ? a.resolved_at : a.active_at;
    const subject = ['endpoint', 'model', 'budget', 'org'].filter((n) => a.labels && a.labels[n])
        .map((n) => n + '=' + a.labels[n]).join(' ');
    const other = Object.entries(a.labels || {}).filter(([n]) => !['alertname', 'severity', 'rule_id', 'endpoint',
      'model', 'budget', 'org'].includes(n)).map(([n, v]) => n + '=' + v).join(' ');
    tr.append(cell(a.state, 'state-' + a.state), cell(a.severity, 'sev-' + a.severity), cell(a.alertname),
        cell(subject), cell(since ? new Date(since).toLocaleString([], {hour12: false}) : null),
        cell(+a.value.toFixed(4), 'num'), cell(+a.threshold.toFixed(4), 'num'),
        cell(silences === null ? 'unknown' : by.length ? 'by ' + by.join(', ') : 'no'), cell(other));
    return tr;
  });
  $('alerts').tBodies[0].replaceChildren(...rows);
  const firing = list.filter((a) => a.state === 'firing').length;
  const status = $('alerts-status');
  status.textContent = firing + ' firing';
  status.className = 'badge ' + (firing ? 'bad' : 'ok');
  note.textContent = list.length ? 'From the streams app; silenced alerts still fire but are not notified '
      + '(tollgate alerts silence).' : 'No alert is pending, firing or recently resolved.';
}

// Eval comparison: two runs (or the two models of one run), per evaluator side by side.
async function evalRuns() {
  const runs = await api('/admin/v1/eval-runs').then((l) => l.data).catch(() => []);
  const sides = runs.flatMap((r) => r.models.map((m) => ({value: r.id + '|' + m, label: r.id + ' · ' + m})));
  ['eval-a', 'eval-b'].forEach((id, i) => {
    const select = $(id);
    const current = select.value;
    if (select.options.length !== sides.length) {
      select.replaceChildren(...sides.map((s) => new Option(s.label, s.value)));
      select.value = current && sides.some((s) => s.value === current) ? current
          : (sides[Math.min(i, sides.length - 1)] || {}).value || '';
    }
  });
  if (sides.length === 0) {
    $('eval-note').textContent = 'No eval runs yet (tollgate evals runs start).';
    return;
  }
  await evalCompare();
}

async function evalCompare() {
  const [aRun, aModel] = $('eval-a').value.split('|');
  const [bRun, bModel] = $('eval-b').value.split('|');
  if (!aRun || !bRun) return;
  const params = aRun === bRun ? {run: aRun, a_model: aModel, b_model: bModel}
    : {a_run: aRun, b_run: bRun, a_model: aModel, b_model: bModel};
  let comparison;
  try {
    comparison = await api('/admin/v1/console/eval-compare?' + query(params));
  } catch (e) {
    $('eval-note').textContent = 'The comparison could not be read: ' + e.message;
    return;
  }
  const fixed = (v) => (v === null || v === undefined ? null : v.toFixed(3));
  const ci = (s) => (s && s.mean_ci ? s.mean_ci.map((v) => v.toFixed(3)).join('–') : null);
  const evaluators = comparison.evaluators || [];
  const table = $('eval-table');
  table.dataset.compared = aRun + '|' + aModel + ' vs ' + bRun + '|' + bModel;
  table.tBodies[0].replaceChildren(...evaluators.map((e) => {
    const tr = document.createElement('tr');
    tr.dataset.evaluator = e.evaluator_id;
    tr.append(cell(e.evaluator_id), cell(fixed(e.a.mean), 'num'), cell(ci(e.a), 'num'), cell(fixed(e.b.mean), 'num'),
        cell(ci(e.b), 'num'), cell(e.mean_delta === null || e.mean_delta === undefined ? null
          : (e.mean_delta >= 0 ? '+' : '') + e.mean_delta.toFixed(3), 'num'),
        cell(e.a.pass_rate === null ? null : pct(e.a.pass_rate), 'num'),
        cell(e.b.pass_rate === null ? null : pct(e.b.pass_rate), 'num'),
        cell(e.regressed_count, 'num'), cell(e.improved_count, 'num'));
    return tr;
  }));
  const names = evaluators.map((e) => e.evaluator_id);
  const side = (label, key) => ({name: label, type: 'bar', barMaxWidth: 28,
    data: evaluators.map((e) => (e[key].mean === null ? null : e[key].mean))});
  const whisker = (key, offset) => ({type: 'custom', name: key + ' 95% CI', silent: true,
    renderItem: (params, api2) => {
      const e = evaluators[params.dataIndex];
      if (!e[key].mean_ci) return null;
      const low = api2.coord([params.dataIndex, e[key].mean_ci[0]]);
      const high = api2.coord([params.dataIndex, e[key].mean_ci[1]]);
      const x = low[0] + offset * api2.size([1, 0])[0] * 0.2;
      return {type: 'line', shape: {x1: x, y1: low[1], x2: x, y2: high[1]}, style: {stroke: '#333', lineWidth: 1.5}};
    },
    data: evaluators.map((e, i) => [i, 0])});
  chart('eval-chart').setOption({
    animation: false,
    tooltip: {trigger: 'axis'},
    legend: {bottom: 0, data: ['A ' + aRun + ' · ' + aModel, 'B ' + bRun + ' · ' + bModel]},
    grid: {left: 50, right: 20, top: 20, bottom: 40},
    xAxis: {type: 'category', data: names},
    yAxis: {type: 'value', min: 0, max: 1, name: 'mean score'},
    series: [side('A ' + aRun + ' · ' + aModel, 'a'), side('B ' + bRun + ' · ' + bModel, 'b'),
      whisker('a', -1), whisker('b', 1)],
  }, {notMerge: true});
  $('eval-note').textContent = evaluators.length ? 'Mean score per evaluator with its 95% confidence interval; delta '
      + 'is B − A. From the streams app.' : 'Neither side has scores yet.';
}

// Per endpoint: the replica's live view (deployments) with error rate and percentiles from endpoint rollups.
async function health() {
  const deployments = await api('/admin/v1/deployments').then((l) => l.data);
  const rows = [];
  const latency = [];
  for (const d of deployments) {
    state.modelsSeen.add(d.model);
    for (const e of d.endpoints) {
      const windows = await usage({endpoint: e.id}).catch(() => []);
      const agg = windows.reduce((a, w) => ({requests: a.requests + w.requests, errors: a.errors + w.errors}),
          {requests: 0, errors: 0});
      const last = windows.filter((w) => w.latency_ms).slice(-1)[0];
      latency.push({name: e.id, data: windows.filter((w) => w.latency_ms)
          .map((w) => [w.window_start, w.latency_ms.p95])});
      const h = e.health;
      const tr = document.createElement('tr');
      tr.dataset.endpoint = e.id;
      tr.append(cell(d.model), cell(d.environment), cell(e.id), cell(e.status),
          cell(h ? (h.up ? 'up' : 'down') : null, h ? (h.up ? 'status-OK' : 'status-UPSTREAM_ERROR') : null),
          cell(h ? h.breaker : null), cell(h ? h.outstanding : null, 'num'),
          cell(h && h.vllm ? h.vllm.num_requests_waiting : null, 'num'),
          cell(h && h.vllm ? pct(h.vllm.kv_cache_usage) : null, 'num'),
          cell(agg.requests, 'num'), cell(agg.requests ? pct(agg.errors / agg.requests) : null, 'num'),
          cell(last ? last.latency_ms.p50 + ' / ' + last.latency_ms.p95 + ' ms' : null, 'num'),
          cell(last && last.ttft_ms ? last.ttft_ms.p50 + ' / ' + last.ttft_ms.p95 + ' ms' : null, 'num'));
      rows.push(tr);
    }
  }
  $('health').tBodies[0].replaceChildren(...rows);
  chart('health-chart').setOption({
    animation: false,
    title: {text: 'latency p95 per endpoint (ms)', textStyle: {fontSize: 12}},
    tooltip: {trigger: 'axis'},
    legend: {type: 'scroll', bottom: 0},
    grid: {left: 60, right: 20, top: 30, bottom: 45},
    xAxis: {type: 'time', min: Date.parse(range().from), max: Date.parse(range().to)},
    yAxis: {type: 'value'},
    series: latency.map((s) => ({name: s.name, type: 'line', showSymbol: s.data.length < 30, data: s.data})),
  }, {notMerge: true});
}

// ---- live feed: server-sent events read through fetch, so the token goes in a header, never in a URL ---------------
function startFeed() {
  if (state.session && !state.session.feed) {
    $('live-status').textContent = 'disabled';
    return;
  }
  const abort = new AbortController();
  state.feedAbort = abort;
  const connect = async () => {
    while (!abort.signal.aborted) {
      try {
        const response = await fetch('/admin/v1/console/live', {signal: abort.signal,
          headers: {Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream'}});
        if (response.status === 401) { signOut('The token was refused.'); return; }
        if (!response.ok) throw new Error('HTTP ' + response.status);
        liveStatus('live', 'ok');
        await readEvents(response.body.getReader(), onBatch);
      } catch (e) {
        if (abort.signal.aborted) return;
        console.warn('live feed', e);
      }
      liveStatus('reconnecting', 'bad');
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  connect();
}

function liveStatus(text, cls) {
  const badge = $('live-status');
  badge.textContent = text;
  badge.className = 'badge ' + cls;
}

async function readEvents(reader, onData) {
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, {stream: true}).replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (data) onData(JSON.parse(data));
    }
  }
}

function onBatch(batch) {
  const body = $('live-feed').tBodies[0];
  for (const u of batch.events) {
    if (body.querySelector('tr[data-event-id="' + CSS.escape(u.event_id) + '"]')) continue;
    const tr = document.createElement('tr');
    tr.dataset.eventId = u.event_id;
    tr.dataset.keyId = u.key_id;
    tr.dataset.model = u.model;
    if (batch.type !== 'hello') tr.className = 'fresh';
    tr.append(cell(time(u.completed_at)), cell(u.org_id), cell(u.team_id), cell(u.key_id), cell(u.model),
        cell(u.endpoint_id), cell(u.http_status + ' ' + u.status, 'status-' + u.status), cell(ms(u.latency_ms), 'num'),
        cell(ms(u.ttft_ms), 'num'), cell(u.prompt_tokens + ' / ' + u.completion_tokens, 'num'),
        cell(usd(u.cost_micros), 'num'));
    body.prepend(tr);
    if (u.org_id && !state.orgsSeen.has(u.org_id)) { state.orgsSeen.add(u.org_id); renderOrgs(); }
    if (u.model) state.modelsSeen.add(u.model);
  }
  while (body.rows.length > FEED_ROWS) body.deleteRow(body.rows.length - 1);
  if (batch.dropped > 0) $('live-note').textContent = batch.dropped + ' requests were not shown: the console fell behind.';
}

// ---- start ---------------------------------------------------------------------------------------------------------
document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    $('sign-in-error').textContent = '';
    signIn($('token').value.trim());
  });
  $('sign-out').addEventListener('click', () => signOut());
  ['org', 'range', 'split'].forEach((id) => $(id).addEventListener('change', refresh));
  ['eval-a', 'eval-b'].forEach((id) => $(id).addEventListener('change', () => evalCompare()
      .catch((e) => console.warn('eval comparison', e))));
  window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved); else signOut();
});
