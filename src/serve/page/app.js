// hmon's status page. Reads /api/v1/status, /api/v1/samples and the live /api/v1/events stream of its own origin.
// Data from the network is only ever written with textContent (never as HTML).
//
// While it runs (signed in, or no token needed) the page keeps a stream of events open and redraws its charts
// every 30 s. When the stream drops it retries with a growing pause (1 s doubling to 30 s), forever; when the
// session ends it stops everything, clears what it showed and asks for the token again.
'use strict';

(() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const HOUR_MS = 60 * 60 * 1000;
  const RETRY_FIRST_MS = 1000;
  const RETRY_MAX_MS = 30000;
  const CHARTS_EVERY_MS = 30000;
  const $ = (id) => document.getElementById(id);

  const page = {
    status: null,
    // account id -> { balance, changedAt } (changedAt: when the balance last took its value, RFC 3339)
    balances: new Map(),
    events: null,
    // Whether the page is showing data and keeping it current; false while signed out or reconnecting.
    running: false,
    // Bumped by stop(): work begun before it (a fetch in flight) must not draw or schedule anything after it.
    generation: 0,
    timers: { refresh: null, charts: null, reconnect: null },
    // Connection attempts failed in a row, for the pause before the next one.
    failures: 0,
  };

  class AuthNeeded extends Error {}

  // ---- Small helpers ----

  // The connection's state, in words for everyone (an aria-live status) and as data-state for styles:
  // connecting, connected, reconnecting or signed-out.
  function showConnection(state, text) {
    const element = $('connection');
    element.dataset.state = state;
    element.textContent = text;
  }

  async function getJson(path) {
    const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (response.status === 401) throw new AuthNeeded();
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  function formatNumber(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) return 'unknown';
    return value.toLocaleString('en-US', { maximumFractionDigits: digits });
  }

  function formatTime(rfc3339) {
    if (!rfc3339) return 'never';
    const date = new Date(rfc3339);
    return Number.isNaN(date.getTime()) ? rfc3339 : date.toLocaleString();
  }

  function formatDuration(seconds) {
    const units = [['d', 86400], ['h', 3600], ['m', 60]];
    for (const [unit, size] of units) if (seconds >= size) return `${Math.floor(seconds / size)}${unit}`;
    return `${Math.floor(seconds)}s`;
  }

  function labelsText(labels) {
    return Object.entries(labels || {}).map(([k, v]) => `${k}=${v}`).join(', ');
  }

  // A table cell with `text`; a row header (th scope=row) when `header` is true.
  function cell(row, text, { header = false, number = false } = {}) {
    const element = document.createElement(header ? 'th' : 'td');
    if (header) element.scope = 'row';
    if (number) element.className = 'number';
    element.textContent = text;
    row.appendChild(element);
    return element;
  }

  // A state cell: a coloured dot (decoration only) and the state in words.
  function stateCell(row, state) {
    const element = cell(row, '');
    const dot = document.createElement('span');
    dot.className = `dot ${state}`;
    dot.setAttribute('aria-hidden', 'true');
    element.append(dot, document.createTextNode(state));
    return element;
  }

  function timeCell(row, rfc3339) {
    const element = cell(row, '');
    const time = document.createElement('time');
    if (rfc3339) time.dateTime = rfc3339;
    time.textContent = formatTime(rfc3339);
    element.appendChild(time);
    return element;
  }

  // Replaces the rows of table `id`; `fill(row, item)` writes one; an empty list gets one row saying `none`.
  function fillTable(id, items, columns, none, fill) {
    const body = $(id).tBodies[0];
    body.replaceChildren();
    if (items.length === 0) {
      const row = body.insertRow();
      const element = cell(row, none);
      element.colSpan = columns;
      element.className = 'empty';
      return;
    }
    for (const item of items) fill(body.insertRow(), item);
  }

  // ---- The status document ----

  function renderHealth(status) {
    $('network').textContent = status.network;
    document.title = `hmon status: ${status.network}`;
    $('version').textContent = status.version;
    $('uptime').textContent = formatDuration(status.uptime_seconds);
    $('lag').textContent = status.mirror_lag_seconds === null ? 'unknown' : `${formatNumber(status.mirror_lag_seconds, 1)} s`;
    $('tps').textContent = formatNumber(status.network_tps, 1);
    const { up, total } = status.nodes;
    $('nodes-up').textContent = total === 0 ? 'none probed' : `${up} of ${total}`;
    $('updated').textContent = formatTime(status.updated_at);
    // A down node's error is its own (`error`, a string); a server that does not send one, or sends null, leaves
    // the general reason.
    const downError = (node) => (typeof node.error === 'string' && node.error !== '' ? node.error : 'no answer to the last probe');
    const nodes = [
      ...status.nodes.down.map((n) => ({ ...n, state: 'down', error: downError(n) })),
      ...status.nodes.latency.map((n) => ({ ...n, state: 'up', error: '' })),
    ];
    fillTable('nodes', nodes, 5, 'No node probed yet', (row, node) => {
      row.dataset.node = node.node_id;
      cell(row, node.node_id, { header: true });
      cell(row, node.node_account_id);
      stateCell(row, node.state);
      cell(row, node.seconds === undefined ? '' : `${formatNumber(node.seconds * 1000, 0)} ms`, { number: true });
      cell(row, node.error);
    });
  }

  function renderAccounts(status) {
    for (const account of status.accounts) {
      const known = page.balances.get(account.account);
      if (!known) {
        page.balances.set(account.account, { balance: account.balance_hbar, changedAt: null });
        loadLastChange(account.account);
      } else if (known.balance !== account.balance_hbar) {
        // Seen changed in a status (after a reconnection or a resync), not in its sample: `updated_at` is when
        // the balance was last read, not when it changed; the stored run says when.
        page.balances.set(account.account, { balance: account.balance_hbar, changedAt: null });
        loadLastChange(account.account);
      }
    }
    fillTable('accounts', status.accounts, 5, 'No account watched', (row, account) => {
      row.dataset.account = account.account;
      cell(row, account.account, { header: true });
      cell(row, account.label || '');
      const balance = cell(row, formatNumber(page.balances.get(account.account).balance, 8), { number: true });
      balance.dataset.balance = account.account;
      cell(row, account.tokens.map((t) => `${t.token}: ${formatNumber(t.balance, 8)}`).join(', '));
      timeCell(row, page.balances.get(account.account).changedAt).dataset.changed = account.account;
    });
    const select = $('chart-account');
    const chosen = select.value;
    const ids = status.accounts.map((a) => a.account);
    if (ids.join(' ') !== [...select.options].map((o) => o.value).join(' ')) {
      select.replaceChildren(...status.accounts.map((a) => new Option(a.label ? `${a.account} (${a.label})` : a.account, a.account)));
      if (ids.includes(chosen)) select.value = chosen;
    }
  }

  // When the account's balance took its current value: the start of its newest stored run.
  async function loadLastChange(account) {
    const query = new URLSearchParams({ name: 'account_balance_hbar', label: `account:${account}`, limit: '1' });
    const generation = page.generation;
    try {
      const runs = (await getJson(`/api/v1/samples?${query}`)).samples;
      if (generation !== page.generation) return;
      const known = page.balances.get(account);
      if (runs.length > 0 && known && known.changedAt === null && runs[0].value === known.balance) {
        known.changedAt = runs[0].timestamp;
        updateBalanceRow(account);
      }
    } catch (error) {
      // Without it the cell says "never" until the balance changes; only a lost session matters here.
      if (error instanceof AuthNeeded && generation === page.generation) signedOut();
    }
  }

  function updateBalanceRow(account) {
    const known = page.balances.get(account);
    const balance = document.querySelector(`td[data-balance="${CSS.escape(account)}"]`);
    if (!known || !balance) return;
    balance.textContent = formatNumber(known.balance, 8);
    const changed = document.querySelector(`td[data-changed="${CSS.escape(account)}"] time`);
    if (changed) {
      changed.dateTime = known.changedAt || '';
      changed.textContent = formatTime(known.changedAt);
    }
  }

  function fillAlerts(id, alerts, none) {
    fillTable(id, alerts, 6, none, (row, alert) => {
      row.dataset.rule = alert.rule;
      cell(row, alert.rule, { header: true });
      cell(row, alert.severity);
      cell(row, labelsText(alert.labels));
      cell(row, formatNumber(alert.value, 8), { number: true });
      timeCell(row, alert.since);
      cell(row, alert.silenced ? `${alert.summary} (silenced)` : alert.summary);
    });
  }

  function renderAlerts(status) {
    fillAlerts('firing', status.alerts.firing, 'No alert firing');
    fillAlerts('pending', status.alerts.pending, 'No alert pending');
    fillTable('silences', status.silences, 4, 'No silence', (row, silence) => {
      cell(row, silence.rule || 'any rule', { header: true });
      cell(row, labelsText(silence.labels));
      timeCell(row, silence.ends_at);
      cell(row, silence.comment || '');
    });
    const collectors = Object.entries(status.collectors).map(([name, c]) => ({ name, ...c }));
    fillTable('collectors', collectors, 5, 'No collector', (row, c) => {
      cell(row, c.name, { header: true });
      stateCell(row, c.up ? 'up' : 'down');
      timeCell(row, c.last_cycle);
      cell(row, String(c.failed_cycles), { number: true });
      cell(row, c.last_error || '');
    });
  }

  async function refresh() {
    const generation = page.generation;
    const status = await getJson('/api/v1/status');
    if (generation !== page.generation) return;
    page.status = status;
    renderHealth(status);
    renderAccounts(status);
    renderAlerts(status);
  }

  // Fetches the status again soon, once for a burst of events.
  function scheduleRefresh(delay) {
    if (!page.running || page.timers.refresh !== null) return;
    page.timers.refresh = setTimeout(() => {
      page.timers.refresh = null;
      whileCurrent(refresh);
    }, delay);
  }

  // ---- Charts ----

  // Every run of `name` (with `label`) in the last hour, oldest first; a few pages at most.
  async function lastHour(name, label) {
    const since = new Date(Date.now() - HOUR_MS).toISOString();
    const query = new URLSearchParams({ name, since, limit: '1000' });
    if (label) query.append('label', label);
    let path = `/api/v1/samples?${query}`;
    const runs = [];
    for (let pages = 0; path && pages < 5; pages += 1) {
      const answer = await getJson(path);
      runs.push(...answer.samples);
      path = answer.next;
    }
    return runs.reverse();
  }

  function svgElement(name, attributes) {
    const element = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    return element;
  }

  // Draws the runs as a step line over the last hour, and writes the text summary of what it shows.
  function drawChart(svgId, summaryId, what, unit, runs) {
    const svg = $(svgId);
    const now = Date.now();
    const start = now - HOUR_MS;
    const values = runs.map((r) => r.value).filter((v) => v !== null);
    svg.replaceChildren();
    if (values.length === 0) {
      $(summaryId).textContent = `${what}: no samples in the last hour.`;
      return;
    }
    const [low, high] = [Math.min(...values), Math.max(...values)];
    const span = high - low || Math.abs(high) || 1;
    const [left, right, top, bottom] = [60, 590, 10, 140];
    const x = (ms) => left + ((Math.max(ms, start) - start) / HOUR_MS) * (right - left);
    const y = (v) => bottom - ((v - low) / span) * (bottom - top);
    let path = '';
    runs.forEach((run, i) => {
      if (run.value === null) return;
      const from = Date.parse(run.timestamp);
      const to = i + 1 < runs.length ? Date.parse(runs[i + 1].timestamp) : now;
      path += `M${x(from).toFixed(1)},${y(run.value).toFixed(1)}H${x(to).toFixed(1)}`;
    });
    svg.append(
      svgElement('line', { class: 'axis', x1: left, y1: bottom, x2: right, y2: bottom }),
      svgElement('path', { class: 'line', d: path }),
    );
    const labels = [[4, top + 10, formatNumber(high, 2)], [4, bottom, formatNumber(low, 2)], [left, 156, '1 hour ago'], [right - 24, 156, 'now']];
    for (const [lx, ly, text] of labels) {
      const label = svgElement('text', { x: lx, y: ly });
      label.textContent = text;
      svg.appendChild(label);
    }
    const latest = values[values.length - 1];
    $(summaryId).textContent = `${what} over the last hour: now ${formatNumber(latest, 8)} ${unit}, lowest ${formatNumber(low, 8)} ${unit}, highest ${formatNumber(high, 8)} ${unit}, ${runs.length - 1} ${runs.length === 2 ? 'change' : 'changes'}.`;
  }

  // Draws one chart; a failure other than a lost session is told in its summary, and the page carries on.
  async function drawOne(svgId, summaryId, what, unit, name, label) {
    const generation = page.generation;
    try {
      const runs = await lastHour(name, label);
      if (generation === page.generation) drawChart(svgId, summaryId, what, unit, runs);
    } catch (error) {
      if (error instanceof AuthNeeded) throw error;
      if (generation === page.generation) $(summaryId).textContent = `${what}: cannot load (${error.message}).`;
    }
  }

  async function drawCharts() {
    await drawOne('lag-chart', 'lag-summary', 'Mirror lag', 's', 'mirror_lag_seconds');
    const account = $('chart-account').value;
    if (account) {
      await drawOne('balance-chart', 'balance-summary', `Balance of ${account}`, 'hbar', 'account_balance_hbar', `account:${account}`);
    } else {
      $('balance-summary').textContent = 'Balance: no account watched.';
    }
  }

  function scheduleCharts(delay) {
    if (!page.running) return;
    clearTimeout(page.timers.charts);
    page.timers.charts = setTimeout(() => {
      page.timers.charts = null;
      whileCurrent(async () => {
        await drawCharts();
        scheduleCharts(CHARTS_EVERY_MS);
      });
    }, delay);
  }

  // ---- Live events ----

  function onSample(event) {
    const sample = JSON.parse(event.data);
    if (sample.name === 'account_balance_hbar') {
      const account = sample.labels.account;
      const known = page.balances.get(account);
      if (!known) {
        scheduleRefresh(200);
        return;
      }
      if (known.balance !== sample.value) {
        page.balances.set(account, { balance: sample.value, changedAt: sample.timestamp });
        updateBalanceRow(account);
        scheduleCharts(500);
      }
    }
    // Other numbers (lag, TPS, nodes) come with the next status, fetched at most every few seconds.
    scheduleRefresh(2000);
  }

  function connectEvents() {
    const events = new EventSource('/api/v1/events');
    page.events = events;
    events.addEventListener('open', () => {
      page.failures = 0;
      showConnection('connected', 'Live');
    });
    events.addEventListener('sample', onSample);
    events.addEventListener('alert', () => scheduleRefresh(100));
    events.addEventListener('collector_error', () => scheduleRefresh(500));
    events.addEventListener('resync', () => scheduleRefresh(0));
    // Samples come only when they change: a cycle is when the status (updated, collectors) moves on.
    events.addEventListener('cycle', () => scheduleRefresh(2000));
    // The stream failed or ended (the server stopped, or the session behind it ended). The browser's own retry
    // gives up after an HTTP error and cannot tell a lost session from a lost server: the page retries itself,
    // asking /-/session first.
    events.addEventListener('error', () => {
      if (page.events === events) connectionLost('the live stream stopped');
    });
  }

  // ---- Running, reconnecting, signed out ----

  // Ends everything the page runs: the stream, the timers, and the work in flight (which will not draw).
  function stop() {
    page.running = false;
    page.generation += 1;
    if (page.events) page.events.close();
    page.events = null;
    for (const name of Object.keys(page.timers)) {
      clearTimeout(page.timers[name]);
      page.timers[name] = null;
    }
  }

  // Any failure while running: a lost session shows the sign-in form, anything else reconnects.
  function failed(error) {
    if (error instanceof AuthNeeded) signedOut();
    else connectionLost(error.message);
  }

  // Runs `work`; its failure counts only if nothing stopped or restarted the page meanwhile.
  function whileCurrent(work) {
    const generation = page.generation;
    work().catch((error) => {
      if (generation === page.generation) failed(error);
    });
  }

  // Tries again after a pause that doubles with each failure in a row, up to RETRY_MAX_MS; never gives up.
  function connectionLost(reason) {
    stop();
    const delay = Math.min(RETRY_FIRST_MS * 2 ** page.failures, RETRY_MAX_MS);
    page.failures += 1;
    showConnection('reconnecting', `Reconnecting in ${delay / 1000} s (attempt ${page.failures}): ${reason}`);
    page.timers.reconnect = setTimeout(() => {
      page.timers.reconnect = null;
      start();
    }, delay);
  }

  // Empties everything the page showed, so nothing stays in it (hidden) after the session ended.
  function clearData() {
    page.status = null;
    page.balances.clear();
    for (const table of document.querySelectorAll('#content table')) table.tBodies[0].replaceChildren();
    for (const id of ['lag', 'tps', 'nodes-up', 'updated']) $(id).textContent = 'unknown';
    for (const id of ['network', 'version', 'uptime']) $(id).textContent = '';
    document.title = 'hmon status';
    for (const id of ['lag-chart', 'balance-chart', 'chart-account']) $(id).replaceChildren();
    $('lag-summary').textContent = 'Mirror lag: loading.';
    $('balance-summary').textContent = 'Balance: loading.';
  }

  function signedOut() {
    stop();
    page.failures = 0;
    clearData();
    $('content').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    showConnection('signed-out', 'Signed out: sign in to see the status');
    $('token').focus();
  }

  async function login(event) {
    event.preventDefault();
    $('login-error').textContent = '';
    const response = await fetch('/-/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: $('token').value }),
    });
    if (response.ok) {
      $('token').value = '';
      $('login').hidden = true;
      await start();
    } else {
      $('login-error').textContent = response.status === 401 ? 'That token is not valid.' : `Sign-in failed (HTTP ${response.status}).`;
    }
  }

  async function logout() {
    try {
      await fetch('/-/logout', { method: 'POST', credentials: 'same-origin' });
    } catch {
      // Unreachable, the server keeps the session until it expires; this page forgets it all the same.
    }
    signedOut();
  }

  // (Re)starts the page: asks whether a session is needed and valid, then opens the stream, fetches the status
  // (after opening, so no change falls between the two) and draws the charts. Failures go to failed().
  async function start() {
    stop();
    const generation = page.generation;
    try {
      const session = await getJson('/-/session');
      if (generation !== page.generation) return;
      if (session.token_required && !session.session) {
        signedOut();
        return;
      }
      $('logout').hidden = !session.token_required;
      page.running = true;
      if (page.failures === 0) showConnection('connecting', 'Connecting to live updates…');
      connectEvents();
      await refresh();
      if (generation !== page.generation) return;
      $('content').hidden = false;
      scheduleCharts(0);
    } catch (error) {
      if (generation === page.generation) failed(error);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (event) => login(event).catch((error) => {
      $('login-error').textContent = `Sign-in failed: ${error.message}`;
    }));
    $('logout').addEventListener('click', logout);
    $('chart-account').addEventListener('change', () => scheduleCharts(0));
    // A page restored from the back/forward cache checks its session again before showing anything new.
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) start();
    });
    start();
  });
})();
