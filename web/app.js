/*
 * app.js -- the analyst's dashboard (dashboard.html): riskd's API, called
 * from the browser with the key the analyst pastes (kept in localStorage).
 *
 *   header    GET /v1/stats, polled every 5 s with If-None-Match
 *   table     GET /v1/scores (filters, "more" with next_cursor), kept
 *             current with GET /v1/scores/changes?since=EPOCH; reloaded on
 *             410 epoch_too_old, on a long jump, or when an address enters
 *   chart     addresses per level (from /v1/stats), SVG drawn here
 *   incidents GET /v1/incidents (doubts and the UN report shown)
 *   lookup    GET /v1/addresses/{chain}/{address}/risk and .../trace
 *
 * Plain DOM: every value from the API is set as text (never as HTML), and
 * nothing inline, as the page's Content-Security-Policy requires.
 */
'use strict';

(function () {
  const CHAINS = ['btc', 'eth', 'trx', 'bsc', 'arb', 'polygon', 'ltc', 'xrp', 'xlm'];
  const CHAIN_NAMES = {
    btc: 'Bitcoin', eth: 'Ethereum', trx: 'TRON', bsc: 'BNB Smart Chain', arb: 'Arbitrum',
    polygon: 'Polygon', ltc: 'Litecoin', xrp: 'XRP Ledger', xlm: 'Stellar',
  };
  const LEVELS = ['severe', 'high', 'medium', 'low'];
  /* SPEC 4's categories; others seen in answers are added to the filter. */
  const CATEGORIES = ['bridge', 'darknet', 'exchange', 'gambling', 'hack', 'mixer', 'ransomware',
    'sanctions', 'scam'];
  const KEY_STORE = 'riskd.dashboard.key';
  const POLL_MS = 5000;
  const INCIDENTS_EVERY = 12;         /* polls: once a minute */
  const PAGE = 50;
  const MAX_LIMIT = 1000;
  const RELOAD_JUMP = 50;             /* epochs: beyond, reload rather than apply changes */
  const RELOAD_CHANGES = 500;
  const ETAGS_KEPT = 100;             /* URLs whose ETag and answer are kept */

  const $ = (id) => document.getElementById(id);

  const state = {
    key: null,
    authBlocked: false,              /* a 401/403: wait for a key */
    authMessage: '',
    etags: new Map(),                /* url -> {etag, data} */
    stats: null,
    scores: { items: [], next: null, epoch: 0, cursorEpoch: 0, query: '', loaded: false },
    incidents: new Map(),            /* id -> incident */
    lookup: null,                    /* {chain, address} shown */
    ticks: 0,
    timer: null,
    busy: false,
    again: false,
  };

  /* ------------------------------------------------------------------ */
  /* DOM helpers                                                         */

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'dataset') Object.assign(el.dataset, v);
        else if (k === 'text') el.textContent = v;
        else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const SVG_NS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') el.textContent = v;
      else el.setAttribute(k, String(v));
    }
    append(el, children);
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  }

  /** Text with its http(s) URLs as links (sources, doubts). */
  function linkify(text) {
    const out = [];
    const re = /https?:\/\/[^\s<>"'`;,]+/g;
    let last = 0;
    let m;
    const str = String(text);
    while ((m = re.exec(str)) !== null) {
      let url = m[0];
      while (/[.)\]]$/.test(url)) url = url.slice(0, -1);
      if (m.index > last) out.push(str.slice(last, m.index));
      out.push(h('a', { href: url, rel: 'noopener noreferrer', target: '_blank', title: url }, urlLabel(url)));
      last = m.index + url.length;
      re.lastIndex = last;
    }
    if (last < str.length) out.push(str.slice(last));
    return out;
  }

  /** A URL shortened for reading: host and the start of the path. */
  function urlLabel(url) {
    try {
      const u = new URL(url);
      let rest = decodeURIComponent(u.pathname + u.search).replace(/\/$/, '');
      if (rest.length > 42) rest = rest.slice(0, 40) + '…';
      return u.host.replace(/^www\./, '') + rest;
    } catch (e) {
      return url;
    }
  }

  function extLink(url, text) {
    if (!url || !/^https?:\/\//i.test(url)) return text || url || '';
    return h('a', { href: url, rel: 'noopener noreferrer', target: '_blank', title: url }, text || urlLabel(url));
  }

  /* ------------------------------------------------------------------ */
  /* Formatting                                                          */

  const intFmt = new Intl.NumberFormat('en-US');
  const scoreFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  const pctFmt = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 2 });
  const usdFmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
  const usdCompact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

  const fmtInt = (n) => (typeof n === 'number' ? intFmt.format(n) : '—');
  const fmtScore = (n) => (typeof n === 'number' ? scoreFmt.format(n) : '—');
  const fmtPct = (n) => (typeof n === 'number' ? pctFmt.format(n) : '—');
  const fmtUsd = (n) => (typeof n === 'number' ? usdFmt.format(n) : '—');

  function fmtTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  }

  function fmtAgo(iso) {
    if (!iso) return 'never';
    const t = new Date(iso).getTime();
    if (Number.isNaN(t)) return String(iso);
    const sec = Math.round((Date.now() - t) / 1000);
    if (sec < 0) return 'just now';
    if (sec < 60) return sec + ' s ago';
    if (sec < 3600) return Math.floor(sec / 60) + ' min ago';
    if (sec < 86400) return Math.floor(sec / 3600) + ' h ' + Math.floor((sec % 3600) / 60) + ' min ago';
    return Math.floor(sec / 86400) + ' days ago';
  }

  function shortAddr(a) {
    if (typeof a !== 'string') return '—';
    return a.length > 22 ? a.slice(0, 10) + '…' + a.slice(-8) : a;
  }

  function levelBadge(level, big) {
    const l = LEVELS.includes(level) ? level : 'low';
    return h('span', { class: 'badge level-' + l + (big ? ' badge-lg' : ''), 'data-testid': 'level-badge',
      dataset: { level: l } }, l);
  }

  function clockNow() {
    return new Date().toLocaleTimeString('en-GB', { hour12: false });
  }

  /* ------------------------------------------------------------------ */
  /* The API                                                             */

  class ApiError extends Error {
    constructor(status, code, detail) {
      super(detail);
      this.status = status;
      this.code = code;
      this.detail = detail;
    }
  }

  /**
   * GET path as JSON. With `conditional`, remembers each URL's ETag and
   * sends If-None-Match: a 304 answers the data kept ({changed: false}).
   * Errors are ApiError with the problem document's code and detail.
   */
  async function api(path, { conditional = true } = {}) {
    const headers = { Accept: 'application/json' };
    if (state.key) headers.Authorization = 'Bearer ' + state.key;
    const kept = conditional ? state.etags.get(path) : null;
    if (kept) headers['If-None-Match'] = kept.etag;
    let res;
    try {
      res = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
    } catch (e) {
      throw new ApiError(0, 'network', 'riskd could not be reached (' + (e && e.message ? e.message : e) + ')');
    }
    if (res.status === 304 && kept) return { data: kept.data, changed: false };
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!res.ok) {
      const detail = (body && (body.detail || body.title)) || (res.status + ' ' + res.statusText);
      const err = new ApiError(res.status, (body && body.code) || 'http_' + res.status, detail);
      if (res.status === 401 || res.status === 403) authFailed(err);
      else if (res.status === 429) {
        const after = res.headers.get('Retry-After');
        showBanner('Rate limited by riskd' + (after ? ': retrying in ' + after + ' s' : '') + ' — ' + detail);
      }
      throw err;
    }
    if (body === null) throw new ApiError(res.status, 'bad_json', 'riskd answered something that is not JSON');
    const etag = res.headers.get('ETag');
    if (conditional && etag) {
      state.etags.delete(path);
      state.etags.set(path, { etag, data: body });
      /* lookups and filters add URLs: keep the most recent ones */
      while (state.etags.size > ETAGS_KEPT) state.etags.delete(state.etags.keys().next().value);
    }
    return { data: body, changed: true };
  }

  function problemBox(el, err) {
    clear(el);
    el.hidden = false;
    append(el, [err.detail || String(err), ' ', err.code ? h('span', { class: 'code' }, '(' + err.code + ')') : null]);
  }

  /* ------------------------------------------------------------------ */
  /* Key handling                                                        */

  function loadKey() {
    try { return localStorage.getItem(KEY_STORE) || null; } catch (e) { return null; }
  }

  function saveKey(key) {
    try {
      if (key) localStorage.setItem(KEY_STORE, key);
      else localStorage.removeItem(KEY_STORE);
    } catch (e) { /* private mode: the key lasts this page */ }
  }

  function renderKeyStatus(bad) {
    const el = $('key-status');
    el.classList.remove('key-ok', 'key-none', 'key-bad');
    if (state.key) {
      const id = state.key.split('_').slice(0, 2).join('_');
      el.textContent = 'Key ' + (id.length < state.key.length ? id + '…' : 'set');
      el.classList.add(bad ? 'key-bad' : 'key-ok');
      $('key-change').textContent = 'Change key';
      $('key-forget').hidden = false;
    } else {
      el.textContent = bad ? 'No key: one is needed' : 'No key (open routes)';
      el.classList.add(bad ? 'key-bad' : 'key-none');
      $('key-change').textContent = 'Set key';
      $('key-forget').hidden = true;
    }
    el.title = bad ? 'riskd refused this request' : '';
  }

  function openKeyPanel(why, problem) {
    const p = $('key-why');
    p.textContent = why || 'Paste the API key of this riskd (scope read). It is kept in this browser only (local storage).';
    p.classList.toggle('problem', !!problem);
    $('key-panel').hidden = false;
    $('key-input').value = '';
    $('key-input').focus();
  }

  function closeKeyPanel() {
    $('key-panel').hidden = true;
  }

  function authFailed(err) {
    if (state.authBlocked) return;
    state.authBlocked = true;
    const msg = err.status === 403
      ? 'This API key may not read: ' + err.detail + ' (403 ' + err.code + '). Use a key with the read scope.'
      : state.key
        ? 'riskd refused this API key: ' + err.detail + ' (401 ' + err.code + '). Paste a valid key.'
        : 'This riskd needs an API key: ' + err.detail + ' (401 ' + err.code + ').';
    state.authMessage = msg;
    hideBanner();                     /* the key panel says it, next to the key */
    renderKeyStatus(true);
    openKeyPanel(msg, true);
  }

  function useKey(key) {
    state.key = key || null;
    saveKey(state.key);
    state.authBlocked = false;
    state.etags.clear();
    hideBanner();
    renderKeyStatus(false);
    closeKeyPanel();
    state.scores.loaded = false;
    refreshAll(true);
  }

  /* ------------------------------------------------------------------ */
  /* Banner and live region                                              */

  function showBanner(text) {
    const b = $('banner');
    b.textContent = text;
    b.hidden = false;
  }

  function hideBanner() {
    $('banner').hidden = true;
  }

  function announce(text) {
    $('live').textContent = text;
  }

  /* ------------------------------------------------------------------ */
  /* Stats                                                               */

  function setText(id, text) {
    const el = $(id);
    if (el.textContent !== text) el.textContent = text;
  }

  function renderStats(st) {
    setText('stat-epoch', fmtInt(st.epoch));
    $('stat-epoch').dataset.value = st.epoch;
    setText('stat-built', 'graph built ' + fmtAgo(st.graph_built_at));
    $('stat-built').title = fmtTime(st.graph_built_at);
    setText('stat-addresses', fmtInt(st.addresses));
    $('stat-addresses').dataset.value = st.addresses;
    setText('stat-ranked', fmtInt(st.ranked) + ' scored above 0');
    setText('stat-flows', fmtInt(st.flows));
    $('stat-flows').dataset.value = st.flows;
    setText('stat-labels', fmtInt(st.labels) + ' labels');
    setText('stat-incidents', fmtInt(st.incidents));
    $('stat-incidents').dataset.value = st.incidents;
    setText('stat-reports', typeof st.un_reports === 'number' ? fmtInt(st.un_reports) + ' UN reports' : '\u00a0');
    const sc = st.screenings || {};
    setText('stat-screenings', fmtInt(sc.total));
    $('stat-screenings').dataset.value = sc.total;
    for (const d of ['allow', 'review', 'block']) {
      setText('stat-' + d, fmtInt(sc[d]));
      $('stat-' + d).dataset.value = sc[d];
    }
    setText('stat-last-import', st.last_import_at ? fmtAgo(st.last_import_at) : 'never');
    $('stat-last-import').dataset.value = st.last_import_at || '';
    setText('stat-last-import-abs', st.last_import_at ? fmtTime(st.last_import_at) : '\u00a0');
    renderChart(st.levels || {}, st.epoch);
  }

  async function refreshStats() {
    const { data, changed } = await api('/v1/stats');
    const before = state.stats;
    state.stats = data;
    if (changed || !before) renderStats(data);
    else {
      /* relative times move on even when nothing changed */
      setText('stat-last-import', data.last_import_at ? fmtAgo(data.last_import_at) : 'never');
      setText('stat-built', 'graph built ' + fmtAgo(data.graph_built_at));
    }
    return { stats: data, epochMoved: !before || before.epoch !== data.epoch };
  }

  /* ------------------------------------------------------------------ */
  /* Chart: addresses per level                                          */

  function renderChart(levels, epoch) {
    const box = $('level-chart');
    const values = LEVELS.map((l) => (typeof levels[l] === 'number' ? levels[l] : 0));
    const total = values.reduce((a, b) => a + b, 0);
    const max = Math.max(1, ...values);
    const W = 640, rowH = 38, top = 6, labelW = 78, valueW = 120;
    const barMax = W - labelW - valueW;
    const H = top * 2 + rowH * LEVELS.length;
    const desc = LEVELS.map((l, i) => l + ': ' + fmtInt(values[i])).join(', ');
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc',
      'data-testid': 'level-chart-svg', 'data-total': total, 'data-epoch': epoch === undefined ? '' : epoch,
      preserveAspectRatio: 'xMinYMin meet' },
    s('title', { id: 'chart-title', text: 'Addresses by level' }),
    s('desc', { id: 'chart-desc', text: desc }));
    LEVELS.forEach((l, i) => {
      const v = values[i];
      const y = top + i * rowH;
      let w = Math.round((v / max) * barMax);
      if (v > 0 && w < 3) w = 3;
      const pct = total ? (v / total) : 0;
      const g = s('g', { 'data-testid': 'level-bar-' + l, 'data-level': l, 'data-value': v });
      append(g, [
        s('title', { text: `${l}: ${fmtInt(v)} addresses (${fmtPct(pct)})` }),
        s('text', { x: labelW - 10, y: y + rowH / 2 + 5, 'text-anchor': 'end', class: 'bar-label', text: l }),
        s('rect', { x: labelW, y: y + 6, width: barMax, height: rowH - 12, rx: 4, class: 'bar-track' }),
        s('rect', { x: labelW, y: y + 6, width: w, height: rowH - 12, rx: 4, class: 'bar bar-' + l }),
        s('text', { x: labelW + w + 8, y: y + rowH / 2 + 5, class: 'bar-value', 'data-testid': 'level-value-' + l,
          text: fmtInt(v) + (total ? '  (' + fmtPct(pct) + ')' : '') }),
      ]);
      svg.append(g);
    });
    svg.append(s('line', { x1: labelW, x2: labelW, y1: top, y2: H - top, class: 'axis' }));
    clear(box).append(svg);
  }

  /* ------------------------------------------------------------------ */
  /* The riskiest addresses                                              */

  function filters() {
    const f = {};
    const level = $('f-level').value, chain = $('f-chain').value, cat = $('f-category').value;
    const min = $('f-min').value.trim();
    if (level) f.level = level;
    if (chain) f.chain = chain;
    if (cat) f.category = cat;
    if (min !== '') f.min_score = min;
    return f;
  }

  function scoresUrl(limit, cursor) {
    const q = new URLSearchParams({ limit: String(limit) });
    for (const [k, v] of Object.entries(filters())) q.set(k, v);
    if (cursor) q.set('cursor', cursor);
    return '/v1/scores?' + q.toString();
  }

  function rowKey(chain, address) {
    return chain + '/' + address;
  }

  function compareRanked(a, b) {
    if (a.score !== b.score) return b.score - a.score;
    const ca = CHAINS.indexOf(a.chain), cb = CHAINS.indexOf(b.chain);
    if (ca !== cb) return ca - cb;
    return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
  }

  /** Whether a change can be placed without reloading: the filters we
   *  can check from a change (categories are not in the feed). */
  function changeMatches(c, f) {
    if (!(c.new_score > 0)) return false;
    if (f.level && c.new_level !== f.level) return false;
    if (f.chain && c.chain !== f.chain) return false;
    if (f.min_score !== undefined && c.new_score < Number(f.min_score)) return false;
    return true;
  }

  async function loadScores(limit) {
    const sc = state.scores;
    const url = scoresUrl(Math.min(MAX_LIMIT, Math.max(PAGE, limit || PAGE)));
    const errBox = $('scores-error');
    try {
      const { data, changed } = await api(url);
      errBox.hidden = true;
      if (!changed && sc.loaded && sc.query === url && sc.epoch === data.epoch) return false;
      sc.items = data.items.slice();
      sc.next = data.next_cursor;
      sc.epoch = data.epoch;
      sc.cursorEpoch = data.epoch;
      sc.query = url;
      sc.loaded = true;
      renderScores(new Set());
      return true;
    } catch (err) {
      if (err.status !== 401 && err.status !== 403) problemBox(errBox, err);
      throw err;
    }
  }

  async function moreScores() {
    const sc = state.scores;
    if (!sc.next) return;
    const btn = $('scores-more');
    btn.disabled = true;
    try {
      if (sc.cursorEpoch !== sc.epoch) {
        /* the rows were updated in place since this cursor: its epoch's
           next page would not follow them; ask for everything again */
        await loadScores(sc.items.length + PAGE);
        return;
      }
      try {
        const { data } = await api(scoresUrl(PAGE, sc.next), { conditional: false });
        const seen = new Set(sc.items.map((x) => rowKey(x.chain, x.address)));
        for (const it of data.items) if (!seen.has(rowKey(it.chain, it.address))) sc.items.push(it);
        sc.next = data.next_cursor;
        renderScores(new Set());
        announce(`Showing ${fmtInt(sc.items.length)} addresses.`);
      } catch (err) {
        if (err.status === 410) await loadScores(sc.items.length + PAGE);   /* cursor_expired */
        else if (err.status !== 401 && err.status !== 403) problemBox($('scores-error'), err);
      }
    } finally {
      btn.disabled = false;
    }
  }

  /**
   * Brings the table to `epoch`: the changes since the table's epoch when
   * they can be applied in place, else the first pages again.
   */
  async function refreshScores(epoch) {
    const sc = state.scores;
    const keep = Math.max(PAGE, sc.items.length);
    if (!sc.loaded || !sc.epoch || epoch - sc.epoch > RELOAD_JUMP || epoch < sc.epoch) {
      await loadScores(keep);
      return null;
    }
    if (epoch === sc.epoch) return null;
    let feed;
    try {
      /* asked once per epoch seen: nothing to revalidate */
      feed = (await api('/v1/scores/changes?since=' + sc.epoch, { conditional: false })).data;
    } catch (err) {
      if (err.status === 410) {           /* epoch_too_old: reload the ranking */
        await loadScores(keep);
        return null;
      }
      throw err;
    }
    if (feed.truncated || feed.count > RELOAD_CHANGES) {
      await loadScores(keep);
      return feed.count;
    }
    const f = filters();
    const index = new Map(sc.items.map((x, i) => [rowKey(x.chain, x.address), i]));
    const last = sc.items.length ? sc.items[sc.items.length - 1] : null;
    const moved = new Set();
    const drop = new Set();
    let reload = false;
    for (const c of feed.changes) {
      const k = rowKey(c.chain, c.address);
      const i = index.get(k);
      const fits = changeMatches(c, f);
      if (i !== undefined) {
        if (!fits) drop.add(k);
        else {
          sc.items[i] = Object.assign({}, sc.items[i], { score: c.new_score, level: c.new_level });
          moved.add(k);
        }
      } else if (fits && (sc.next === null || !last || c.new_score >= last.score)) {
        reload = true;                    /* enters the rows shown: its categories are needed */
        break;
      }
    }
    if (reload) {
      await loadScores(keep);
      const { items } = state.scores;
      const flash = new Set(feed.changes.map((c) => rowKey(c.chain, c.address))
        .filter((k) => items.some((x) => rowKey(x.chain, x.address) === k)));
      renderScores(flash);
      return feed.count;
    }
    sc.items = sc.items.filter((x) => !drop.has(rowKey(x.chain, x.address)));
    sc.items.sort(compareRanked);
    sc.epoch = feed.epoch;
    renderScores(moved);
    return feed.count;
  }

  function noteCategories(items) {
    const sel = $('f-category');
    const have = new Set(Array.from(sel.options).map((o) => o.value));
    for (const it of items)
      for (const c of it.categories || [])
        if (!have.has(c)) {
          have.add(c);
          sel.append(h('option', { value: c }, c));
        }
  }

  function renderScores(flash) {
    const sc = state.scores;
    const body = $('scores-body');
    clear(body);
    if (!sc.items.length) {
      body.append(h('tr', null, h('td', { colspan: 5, class: 'empty' },
        Object.keys(filters()).length ? 'No address matches these filters.' : 'No address scores above 0 yet.')));
    }
    sc.items.forEach((it, i) => {
      const k = rowKey(it.chain, it.address);
      const tr = h('tr', { 'data-testid': 'score-row', dataset: { chain: it.chain, address: it.address, rank: i + 1 },
        class: flash.has(k) ? 'changed' : null },
      h('td', { class: 'num', 'data-testid': 'score-value' }, fmtScore(it.score)),
      h('td', null, levelBadge(it.level)),
      h('td', null, h('span', { class: 'chip chip-chain', title: CHAIN_NAMES[it.chain] || it.chain }, it.chain)),
      h('td', { class: 'addr' }, h('button', { type: 'button', class: 'linkish', 'data-testid': 'score-address',
        title: 'Look up ' + it.address, onclick: () => openLookup(it.chain, it.address, true) }, it.address)),
      h('td', null, (it.categories || []).map((c) => h('span', { class: 'chip' }, c))));
      body.append(tr);
    });
    noteCategories(sc.items);
    const more = $('scores-more');
    more.hidden = !sc.next;
    const levels = state.stats && state.stats.levels;
    const f = filters();
    let of = '';
    if (!Object.keys(f).length && state.stats) of = ' of ' + fmtInt(state.stats.ranked) + ' scored above 0';
    else if (Object.keys(f).length === 1 && f.level && levels && f.level !== 'low') of = ' of ' + fmtInt(levels[f.level]);
    $('scores-summary').textContent = `Showing ${fmtInt(sc.items.length)}${of} · riskiest first · epoch ${sc.epoch}`;
    $('scores-summary').dataset.epoch = sc.epoch;
    $('scores-body').dataset.epoch = sc.epoch;
  }

  /* ------------------------------------------------------------------ */
  /* Incidents                                                           */

  const STATUS_TEXT = {
    un_panel_of_experts: 'UN Security Council Panel of Experts report',
    msmt: 'Multilateral Sanctions Monitoring Team report (successor of the UN Panel)',
    not_in_un_report: 'not in a UN report',
  };

  function reportBadge(inc) {
    const st = inc.attribution_status;
    if (st === 'not_in_un_report' || !inc.report) {
      return h('span', { class: 'report report-none', 'data-testid': 'incident-report', dataset: { status: st || '' } },
        'not in a UN report');
    }
    const cls = st === 'msmt' ? 'report report-msmt' : 'report report-un';
    const r = inc.report;
    const name = r.report || inc.reported_in || 'report';
    const label = (st === 'msmt' ? (/^MSMT/.test(name) ? name : 'MSMT ' + name) : 'UN PoE ' + name) +
      (r.date ? ' · ' + r.date : '');
    return h('span', { class: cls, 'data-testid': 'incident-report', dataset: { status: st },
      title: (STATUS_TEXT[st] || st) + (r.source_url ? ' — source of the report: ' + r.source_url : '') },
    r.source_url ? extLink(r.source_url, label) : label);
  }

  function renderIncident(inc) {
    const doubts = Array.isArray(inc.doubts) ? inc.doubts : [];
    const usd = typeof inc.usd_stolen === 'number'
      ? h('span', { class: 'incident-usd', title: usdFmt.format(inc.usd_stolen) + ' stolen', 'data-testid': 'incident-usd' },
        usdCompact.format(inc.usd_stolen))
      : h('span', { class: 'incident-usd unknown', 'data-testid': 'incident-usd' }, 'amount unknown');
    const quotes = (inc.evidence || []).filter((e) => e && e.text);
    return h('li', { class: 'incident' + (doubts.length ? ' has-doubt' : ''), id: 'incident-' + inc.id,
      'data-testid': 'incident', dataset: { id: inc.id, doubts: doubts.length } },
    h('div', { class: 'incident-top' },
      h('div', null,
        h('div', { class: 'incident-date', 'data-testid': 'incident-date' }, h('time', { datetime: inc.date }, inc.date)),
        h('h3', { 'data-testid': 'incident-name' }, inc.name)),
      usd),
    h('p', { class: 'incident-victim' }, 'Victim: ', h('strong', null, inc.victim || 'unknown'),
      (inc.chains && inc.chains.length) ? [' · ', inc.chains.map((c) => h('span', { class: 'chip chip-chain' }, c))] : null),
    h('p', { class: 'incident-attr' }, reportBadge(inc), ' ', h('span', null, inc.attribution || '')),
    doubts.length ? h('ul', { class: 'doubts', 'aria-label': 'Doubts about this attribution' },
      doubts.map((d) => h('li', { class: 'doubt', 'data-testid': 'incident-doubt' },
        h('strong', null, '⚠ Doubt: '), d.doubt,
        d.source ? h('span', { class: 'doubt-src' }, 'Source: ', linkify(d.source)) : null))) : null,
    h('p', { class: 'incident-sources' }, 'Source: ', extLink(inc.source_url)),
    (quotes.length || inc.note || (inc.report && inc.report.finding))
      ? h('details', null, h('summary', null, 'Report finding, note and evidence' + (quotes.length ? ' (' + quotes.length + ' quoted)' : '')),
        inc.report && inc.report.finding ? h('p', null, h('strong', null, 'Report finding: '), inc.report.finding,
          inc.report.source_url ? [' — ', extLink(inc.report.source_url, 'source')] : null) : null,
        inc.note ? h('p', null, h('strong', null, 'Note: '), inc.note) : null,
        quotes.map((e) => h('p', null, h('strong', null, (e.kind === 'doubt' ? 'Doubt' : 'Quote') + ': '), linkify(e.text))))
      : null,
    h('div', { class: 'incident-foot' },
      inc.address_count ? h('span', null, fmtInt(inc.address_count) + ' labelled address' + (inc.address_count === 1 ? '' : 'es'))
        : h('span', null, 'no labelled addresses'),
      h('span', null, '· id '), h('code', null, inc.id)));
  }

  async function refreshIncidents() {
    const errBox = $('incidents-error');
    try {
      const { data, changed } = await api('/v1/incidents');
      errBox.hidden = true;
      if (!changed && state.incidents.size) return;
      const list = (data.incidents || []).slice().sort((a, b) => String(b.date).localeCompare(String(a.date)));
      state.incidents = new Map(list.map((i) => [i.id, i]));
      renderIncidents();
      const total = list.reduce((a, i) => a + (typeof i.usd_stolen === 'number' ? i.usd_stolen : 0), 0);
      const counts = { un_panel_of_experts: 0, msmt: 0, not_in_un_report: 0 };
      for (const i of list) counts[i.attribution_status] = (counts[i.attribution_status] || 0) + 1;
      const doubted = list.filter((i) => i.doubts && i.doubts.length).length;
      $('incidents-summary').textContent =
        `${fmtInt(list.length)} thefts linked to North Korea, newest first · ${usdCompact.format(total)} stolen where known · ` +
        `${counts.un_panel_of_experts} in UN Panel reports, ${counts.msmt} in the MSMT report, ${counts.not_in_un_report} not in a UN report · ` +
        `${doubted} with doubts (highlighted)`;
    } catch (err) {
      if (err.status !== 401 && err.status !== 403) problemBox(errBox, err);
      throw err;
    }
  }

  function renderIncidents() {
    const show = $('incident-filter').value;
    const ol = clear($('incident-list'));
    let shown = 0;
    for (const inc of state.incidents.values()) {
      const doubts = inc.doubts && inc.doubts.length;
      if (show === 'doubts' && !doubts) continue;
      if (show !== 'all' && show !== 'doubts' && inc.attribution_status !== show) continue;
      ol.append(renderIncident(inc));
      shown++;
    }
    if (!shown) ol.append(h('li', { class: 'empty' }, 'No incident of this kind.'));
  }

  function incidentRef(id) {
    if (!id) return '—';
    const inc = state.incidents.get(id);
    return h('a', { href: '#incident-' + id, title: inc ? inc.name : id }, inc ? inc.name : id);
  }

  /* ------------------------------------------------------------------ */
  /* Address lookup                                                      */

  function openLookup(chain, address, focus) {
    $('lookup-chain').value = chain;
    $('lookup-address').value = address;
    if (focus) {
      $('lookup').scrollIntoView({ block: 'start', behavior: 'smooth' });
      $('lookup-address').focus({ preventScroll: true });
    }
    runLookup(chain, address, false);
  }

  function riskUrl(chain, address, what) {
    return '/v1/addresses/' + encodeURIComponent(chain) + '/' + encodeURIComponent(address) + '/' + what;
  }

  let lookupSeq = 0;

  async function runLookup(chain, address, quiet) {
    const box = $('lookup-result');
    const seq = ++lookupSeq;
    if (!quiet) box.setAttribute('aria-busy', 'true');
    const [risk, trace] = await Promise.allSettled([
      api(riskUrl(chain, address, 'risk')),
      api(riskUrl(chain, address, 'trace')),
    ]);
    if (seq !== lookupSeq) return;         /* a newer lookup started */
    box.removeAttribute('aria-busy');
    if (risk.status === 'rejected') {
      const err = risk.reason;
      if (quiet) return;
      state.lookup = null;
      clear(box).append(h('div', { class: 'error', role: 'alert', 'data-testid': 'lookup-error' },
        h('strong', null, err.status ? 'riskd answered ' + err.status + ': ' : ''), err.detail || String(err),
        err.code ? [' ', h('span', { class: 'code' }, '(' + err.code + ')')] : null));
      return;
    }
    if (quiet && !risk.value.changed && !(trace.status === 'fulfilled' && trace.value.changed)) return;
    state.lookup = { chain, address: risk.value.data.address || address };
    renderRisk(box, risk.value.data, trace.status === 'fulfilled' ? trace.value.data : null,
      trace.status === 'rejected' ? trace.reason : null);
  }

  /** A right-aligned cell of miniTable. */
  function num(text) {
    return { class: 'num', content: text };
  }

  /** A small table: headers ("#name" is numeric, right-aligned) and rows
   *  of cells (content, or {class, content}). */
  function miniTable(testid, headers, rows) {
    const head = h('tr', null, headers.map((x) => (x.startsWith('#')
      ? h('th', { scope: 'col', class: 'num' }, x.slice(1)) : h('th', { scope: 'col' }, x))));
    const body = rows.map((cells) => h('tr', null, cells.map((c) => (c && typeof c === 'object' && 'content' in c
      ? h('td', { class: c.class }, c.content) : h('td', null, c)))));
    return h('div', { class: 'table-wrap' },
      h('table', { class: 'mini', 'data-testid': testid }, h('thead', null, head), h('tbody', null, body)));
  }

  function renderRisk(box, r, tr, trErr) {
    clear(box);
    const head = h('div', { class: 'risk-head', 'data-testid': 'risk-head' },
      h('div', { class: 'risk-score', 'data-testid': 'risk-score', dataset: { value: r.score } },
        fmtScore(r.score), h('small', null, ' / 100')),
      h('div', { class: 'risk-id' },
        h('div', null, h('span', { 'data-testid': 'risk-level', dataset: { level: r.level } }, levelBadge(r.level, true)), ' ',
          h('span', { class: 'chip chip-chain', title: CHAIN_NAMES[r.chain] || r.chain }, r.chain)),
        h('p', { class: 'risk-addr', 'data-testid': 'risk-address' }, r.address),
        h('p', { class: 'risk-meta' },
          r.known ? 'known to riskd' : 'never seen in a flow or a label',
          ' · epoch ', String(r.epoch),
          r.model ? ' · model ' + r.model.name + ' v' + r.model.version : '',
          r.computed_at ? ' · computed ' + fmtTime(r.computed_at) : '')));
    box.append(head);

    if (typeof r.received_usd === 'number' || typeof r.balance_usd === 'number') {
      box.append(h('dl', { class: 'kv' },
        h('dt', null, 'Received'), h('dd', null, fmtUsd(r.received_usd)),
        h('dt', null, 'Balance'), h('dd', null, fmtUsd(r.balance_usd))));
    }

    const labels = r.labels || [];
    box.append(h('h3', null, 'Labels'));
    if (!labels.length) box.append(h('p', { class: 'empty' }, 'No label on this address itself.'));
    else {
      box.append(miniTable('risk-labels', ['Category', 'Entity', 'Incident', 'Source'], labels.map((l) => [
        h('span', { class: 'chip' }, l.category),
        l.entity || '—',
        incidentRef(l.incident_id),
        { class: 'src', content: l.source ? linkify(l.source) : '—' },
      ])));
    }

    const cats = (r.categories || []).filter((c) => c.exposure > 0 || c.tainted_usd > 0 || c.holding > 0);
    box.append(h('h3', null, 'Exposure by category'));
    if (!cats.length) box.append(h('p', { class: 'empty' }, 'No tainted funds reached this address.'));
    else {
      box.append(miniTable('risk-categories',
        ['Category', '#Severity', '#Exposure', '#Tainted', '#Holding', '#Hops'], cats.map((c) => [
          h('span', { class: 'chip' }, c.category),
          num(fmtScore(c.severity)), num(fmtPct(c.exposure)), num(fmtUsd(c.tainted_usd)),
          num(fmtPct(c.holding)), num(String(c.hops)),
        ])));
    }

    const srcs = r.sources || [];
    if (srcs.length) {
      box.append(h('h3', null, 'Where the taint came from'));
      box.append(miniTable('risk-sources', ['Source', 'Category', '#Share', '#Tainted', '#Hops'], srcs.map((x) => [
        [x.kind === 'incident' ? incidentRef(x.key) : x.key, ' ', h('span', { class: 'hint' }, '(' + x.kind + ')')],
        h('span', { class: 'chip' }, x.category),
        num(fmtPct(x.share)), num(fmtUsd(x.tainted_usd)), num(String(x.hops)),
      ])));
      if (r.sources_total > srcs.length) {
        box.append(h('p', { class: 'hint' }, `${r.sources_total - srcs.length} smaller sources not shown.`));
      }
    }

    box.append(h('h3', null, 'Trace'));
    if (trErr) {
      box.append(h('div', { class: 'error', 'data-testid': 'trace-error' }, trErr.detail || String(trErr)));
      return;
    }
    const paths = (tr && tr.paths) || [];
    if (!paths.length) {
      box.append(h('p', { class: 'empty', 'data-testid': 'trace-empty' },
        labels.length && !cats.some((c) => c.hops > 0) ? 'The address is a source itself: no path leads to it.' : 'No path of tainted funds leads to this address.'));
      return;
    }
    const addrBtn = (a) => (a === r.address
      ? h('span', { class: 'addr', title: a }, shortAddr(a))
      : h('button', { type: 'button', class: 'linkish addr', title: 'Look up ' + a, 'aria-label': 'Look up ' + a,
        onclick: () => openLookup(r.chain, a, true) }, shortAddr(a)));
    const hopItem = (x, i) => h('li', { class: 'hop', 'data-testid': 'trace-hop' },
      h('div', { class: 'hop-line' },
        h('span', { class: 'meta' }, (i + 1) + '.'), addrBtn(x.from),
        h('span', { class: 'arrow', 'aria-label': 'to' }, '→'), addrBtn(x.to)),
      h('div', { class: 'hop-line' },
        h('span', { class: 'meta' }, fmtTime(x.time)),
        h('span', null, fmtUsd(x.value)),
        h('span', { class: 'tainted' }, fmtUsd(x.tainted_usd) + ' tainted'),
        h('span', { class: 'meta mono', title: x.tx_hash }, 'tx ' + shortAddr(x.tx_hash))));
    const pathItem = (p) => h('li', { class: 'path', 'data-testid': 'trace-path' },
      h('p', { class: 'path-head' },
        h('span', { class: 'chip' }, p.category), ' ',
        p.kind === 'incident' ? incidentRef(p.key) : h('strong', null, p.key),
        ' · ', h('b', null, fmtUsd(p.tainted_usd)), ' tainted · ',
        String(p.hop_count), p.hop_count === 1 ? ' hop' : ' hops',
        ' from ', h('span', { class: 'mono', title: p.source }, shortAddr(p.source))),
      h('ol', { class: 'hops', 'aria-label': 'Hops, oldest first' }, (p.hops || []).map(hopItem)));
    box.append(h('ol', { class: 'paths', 'data-testid': 'trace-paths' }, paths.map(pathItem)));
    if (tr.truncated) {
      box.append(h('p', { class: 'hint' }, 'Trace truncated' + (tr.truncated_by ? ' (' + tr.truncated_by + ')' : '') +
        `: ${tr.keys_traced} of ${tr.keys_reaching} sources traced.`));
    }
  }

  /* ------------------------------------------------------------------ */
  /* Refresh loop                                                        */

  async function refreshAll(initial) {
    if (state.busy) {
      /* one refresh at a time; a new key's must still happen */
      if (initial) state.again = true;
      return;
    }
    state.busy = true;
    try {
      const { stats, epochMoved } = await refreshStats();
      if (initial || epochMoved || !state.scores.loaded) {
        const before = state.scores.epoch;
        const n = await refreshScores(stats.epoch);
        if (!initial && before && before !== state.scores.epoch) {
          announce(`Updated at ${clockNow()}: epoch ${state.scores.epoch}` +
            (typeof n === 'number' ? `, ${n} score${n === 1 ? '' : 's'} changed.` : '.'));
        } else if (initial) {
          announce(`Loaded at ${clockNow()}: epoch ${stats.epoch}.`);
        }
        if (!initial && epochMoved && state.lookup) runLookup(state.lookup.chain, state.lookup.address, true);
      }
      if (initial || state.ticks % INCIDENTS_EVERY === 0 || !state.incidents.size) await refreshIncidents();
      if (!state.authBlocked) {
        hideBanner();
        renderKeyStatus(false);
      }
      document.body.dataset.ready = 'true';
    } catch (err) {
      if (err.status !== 401 && err.status !== 403 && err.status !== 429) {
        showBanner((err.status ? 'riskd answered ' + err.status + ': ' : '') + (err.detail || String(err)) +
          ' — retrying every ' + POLL_MS / 1000 + ' s.');
      }
    } finally {
      state.busy = false;
      if (state.again) {
        state.again = false;
        refreshAll(true);
      }
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(async () => {
      state.ticks++;
      if (!state.authBlocked && !document.hidden) await refreshAll(false);
      schedule();
    }, POLL_MS);
  }

  /* ------------------------------------------------------------------ */
  /* Start                                                               */

  function fillChains(sel, withAny) {
    for (const c of CHAINS) sel.append(h('option', { value: c }, c + ' — ' + CHAIN_NAMES[c]));
    if (!withAny) sel.value = 'eth';
  }

  function start() {
    fillChains($('f-chain'), true);
    fillChains($('lookup-chain'), false);
    for (const c of CATEGORIES) $('f-category').append(h('option', { value: c }, c));

    $('key-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const key = $('key-input').value.trim();
      if (!key) {
        $('key-why').textContent = 'Paste a key first (or try without a key).';
        $('key-input').focus();
        return;
      }
      useKey(key);
    });
    $('key-none').addEventListener('click', () => useKey(null));
    $('key-cancel').addEventListener('click', () => {
      closeKeyPanel();
      if (state.authBlocked) showBanner(state.authMessage + ' Use "Set key" above.');
    });
    $('key-change').addEventListener('click', () => openKeyPanel(null, false));
    $('key-forget').addEventListener('click', () => useKey(null));

    const filtersForm = $('filters');
    filtersForm.addEventListener('submit', (e) => e.preventDefault());
    const reload = () => loadScores(PAGE).then(() => announce(`Showing ${fmtInt(state.scores.items.length)} addresses.`)).catch(() => {});
    for (const id of ['f-level', 'f-chain', 'f-category']) $(id).addEventListener('change', reload);
    let minTimer = null;
    $('f-min').addEventListener('input', () => { clearTimeout(minTimer); minTimer = setTimeout(reload, 400); });
    filtersForm.addEventListener('reset', () => setTimeout(reload, 0));
    $('scores-more').addEventListener('click', moreScores);
    $('incident-filter').addEventListener('change', renderIncidents);

    $('lookup-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const chain = $('lookup-chain').value;
      const address = $('lookup-address').value.trim();
      if (!address) {
        clear($('lookup-result')).append(h('div', { class: 'error', role: 'alert', 'data-testid': 'lookup-error' }, 'Type an address to look up.'));
        return;
      }
      runLookup(chain, address, false);
    });

    state.key = loadKey();
    renderKeyStatus(false);
    refreshAll(true);
    schedule();
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && !state.authBlocked) refreshAll(false);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
