#!/usr/bin/env node
// dashboard.test.mjs URL KEY SCREENSHOT_PATH
//
// Drives Debian's Chromium (/usr/bin/chromium, through playwright-core: no
// browser download) over riskd's dashboard at URL/dashboard: pastes KEY when
// the page asks for one, then checks what an analyst relies on against the
// API itself (fetched from node): the header and the level chart against
// /v1/stats, the riskiest table against /v1/scores, the seeded incidents with
// their doubts, an address lookup (risk and trace), errors shown plainly,
// the key kept across a reload, conditional polling and a live update after
// an import. Saves a full-page screenshot to SCREENSHOT_PATH. Prints TAP;
// exits 1 when a check fails, 2 on bad usage.
//
// Environment: CHROMIUM (default /usr/bin/chromium); DASHBOARD_ADDRESS
// ("chain:address", a tainted address to look up; found from /v1/scores
// when unset); DASHBOARD_NO_IMPORT=1 skips the live-update check (which
// imports one flow, and needs a key with the ingest scope).

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

const [base, key, shotPath] = process.argv.slice(2);
if (!base || key === undefined || !shotPath) {
  console.error('usage: node dashboard.test.mjs URL KEY SCREENSHOT_PATH');
  process.exit(2);
}
const URL_BASE = base.replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const RONIN = '0x098b716b8aaf21512996dc57eb0615e2383e2f96';
const LEVELS = ['low', 'medium', 'high', 'severe'];
const T = 15000;                      // ms to wait for the page

// ---------------------------------------------------------------- TAP
let n = 0;
let failed = 0;
async function check(name, fn) {
  n++;
  try {
    const skip = await fn();
    console.log(`ok ${n} - ${name}${typeof skip === 'string' ? ' # SKIP ' + skip : ''}`);
    return true;
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    for (const line of String((e && e.stack) || e).split('\n').slice(0, 6)) console.log('  # ' + line);
    return false;
  }
}
/** Stops the run: what follows depends on a check that failed. */
class BailOut extends Error {}
function bail(ok, why) {
  if (!ok) throw new BailOut(why);
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
function eq(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want))
    throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// ---------------------------------------------------------------- API from node
async function apiGet(path) {
  const res = await fetch(URL_BASE + path, { headers: key ? { Authorization: 'Bearer ' + key } : {} });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
async function apiPost(path, contentType, data) {
  const res = await fetch(URL_BASE + path, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...(key ? { Authorization: 'Bearer ' + key } : {}) },
    body: data,
  });
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

/** A tainted address that carries no label itself, at high or severe. */
async function findTainted() {
  if (process.env.DASHBOARD_ADDRESS) {
    const [chain, ...rest] = process.env.DASHBOARD_ADDRESS.split(':');
    return { chain, address: rest.join(':') };
  }
  const page = await apiGet('/v1/scores?min_score=50&limit=1000');
  const candidates = page.items.filter((x) => x.score < 100).concat(page.items.filter((x) => x.score >= 100));
  for (const c of candidates.slice(0, 40)) {
    const r = await apiGet(`/v1/addresses/${c.chain}/${encodeURIComponent(c.address)}/risk`);
    if (r.labels.length === 0 && (r.level === 'high' || r.level === 'severe')) return { chain: c.chain, address: c.address };
  }
  throw new Error('no unlabelled address at high or severe level: import flows from a labelled address first');
}

// ---------------------------------------------------------------- browser
const userDataDir = mkdtempSync(join(tmpdir(), 'riskd-dashboard-'));
let context;
const pageErrors = [];
const requests = [];                    // {url, inm, status}

async function main() {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(T);
  page.on('pageerror', (e) => pageErrors.push('page error: ' + e.message));
  page.on('console', (m) => {
    const t = m.text();
    if (/Content.Security.Policy|Refused to/i.test(t)) pageErrors.push('CSP: ' + t);
    else if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|403|404|410|422)/.test(t))
      pageErrors.push('console error: ' + t);
  });
  page.on('response', (res) => {
    const req = res.request();
    requests.push({ url: req.url(), inm: req.headers()['if-none-match'] || null, status: res.status() });
  });

  const stats0 = await apiGet('/v1/stats');

  bail(await check('GET /dashboard loads the page, its script and its stylesheet', async () => {
    const res = await page.goto(URL_BASE + '/dashboard', { waitUntil: 'load' });
    eq(res.status(), 200, 'status');
    assert((res.headers()['content-security-policy'] || '').includes("script-src 'self'"), 'no CSP on the page');
    await page.waitForFunction(() => document.getElementById('level-chart').children.length > 0
      || !document.getElementById('key-panel').hidden);
    assert(requests.some((r) => r.url.endsWith('/dashboard/app.js') && r.status === 200), 'app.js not loaded');
    assert(requests.some((r) => r.url.endsWith('/dashboard/app.css') && r.status === 200), 'app.css not loaded');
  }), 'the page did not load');

  if (key) {
    await check('without a key, the 401 is shown plainly and a key is asked for', async () => {
      await page.getByTestId('key-panel').waitFor({ state: 'visible' });
      const why = await page.getByTestId('key-why').innerText();
      assert(/401/.test(why) && /key/i.test(why), 'the key panel does not say 401: ' + why);
      eq(await page.getByTestId('key-input').evaluate((el) => el === document.activeElement), true, 'key input focused');
      assert(/needed/.test(await page.getByTestId('key-status').innerText()), 'key status does not say a key is needed');
    });
    await check('a wrong key is refused plainly (401) and asked for again', async () => {
      await page.getByTestId('key-input').fill('rk_000000000000_' + '0'.repeat(48));
      await page.getByTestId('key-save').click();
      await page.waitForFunction(() => /refused this API key/.test(document.querySelector('[data-testid=key-why]').textContent));
      await page.getByTestId('key-panel').waitFor({ state: 'visible' });
      const why = await page.getByTestId('key-why').innerText();
      assert(/401/.test(why) && /not valid/.test(why), 'the key panel says: ' + why);
    });
    bail(await check('the key is pasted and saved', async () => {
      await page.getByTestId('key-input').fill(key);
      await page.getByTestId('key-save').click();
      await page.getByTestId('key-panel').waitFor({ state: 'hidden' });
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      const stored = await page.evaluate(() => localStorage.getItem('riskd.dashboard.key'));
      eq(stored, key, 'key in localStorage');
      assert(!(await page.getByTestId('banner').isVisible()), 'the error banner is still shown');
      const status = await page.getByTestId('key-status').innerText();
      assert(/^Key /.test(status) && !status.includes(key), 'key status: ' + status);
    }), 'the page did not take the key');
  } else {
    bail(await check('no key: the page works with open routes', async () => {
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
    }), 'the page did not load its data');
  }

  const stats = await apiGet('/v1/stats');
  await check('the header shows the values of /v1/stats', async () => {
    await page.waitForFunction((e) => document.querySelector('[data-testid=stat-epoch]').dataset.value === String(e), stats.epoch);
    const v = async (id) => page.getByTestId(id).getAttribute('data-value');
    eq(await v('stat-epoch'), String(stats.epoch), 'epoch');
    eq(await v('stat-addresses'), String(stats.addresses), 'addresses');
    eq(await v('stat-flows'), String(stats.flows), 'flows');
    eq(await v('stat-incidents'), String(stats.incidents), 'incidents');
    eq(await v('stat-screenings'), String(stats.screenings.total), 'screenings');
    for (const d of ['allow', 'review', 'block'])
      eq(await v('stat-screenings-' + d), String(stats.screenings[d]), 'screenings ' + d);
    eq(await v('stat-last-import'), stats.last_import_at || '', 'last import');
    const text = await page.getByTestId('stat-flows').innerText();
    eq(text.replace(/[^0-9]/g, ''), String(stats.flows), 'flows as shown');
  });

  await check('the level chart draws one bar per level with the counts of /v1/stats', async () => {
    const svg = page.getByTestId('level-chart-svg');
    await svg.waitFor();
    eq(await svg.getAttribute('role'), 'img', 'chart role');
    const max = Math.max(...LEVELS.map((l) => stats.levels[l]));
    for (const l of LEVELS) {
      const g = page.getByTestId('level-bar-' + l);
      eq(await g.getAttribute('data-value'), String(stats.levels[l]), 'bar ' + l);
      const label = await page.getByTestId('level-value-' + l).textContent();
      assert(label.replace(/,/g, '').startsWith(String(stats.levels[l])), `label of ${l}: ${label}`);
      const w = Number(await g.locator('rect.bar').getAttribute('width'));
      assert(stats.levels[l] > 0 ? w > 0 : w === 0, `bar ${l} width ${w} for ${stats.levels[l]}`);
      if (stats.levels[l] === max) {
        const track = Number(await g.locator('rect.bar-track').getAttribute('width'));
        eq(w, track, `the longest bar (${l}) spans the track`);
      }
    }
  });

  await check('the riskiest table lists /v1/scores riskiest first, with level badges', async () => {
    const top = await apiGet('/v1/scores?limit=50');
    const rows = page.getByTestId('score-row');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=score-row]').length === n, top.items.length);
    eq(await rows.count(), Math.min(50, stats.ranked), 'rows shown');
    const first = rows.first();
    eq(await first.getAttribute('data-address'), top.items[0].address, 'first address');
    eq(Number(await first.getByTestId('score-value').innerText()), top.items[0].score, 'first score');
    eq(await first.getByTestId('level-badge').getAttribute('data-level'), top.items[0].level, 'first level');
    const last = rows.nth(top.items.length - 1);
    eq(await last.getAttribute('data-address'), top.items[top.items.length - 1].address, 'last address');
    eq(await page.locator('[data-testid=scores-table] th[scope=col]').count(), 5, 'column headers');
    const summary = await page.getByTestId('scores-summary').innerText();
    assert(summary.replace(/,/g, '').includes(String(stats.ranked)), 'summary does not give the ranked count: ' + summary);
    if (top.next_cursor) assert(await page.getByTestId('scores-more').isVisible(), 'no "more" button');
  });

  await check('"more" pages on with next_cursor', async () => {
    const top = await apiGet('/v1/scores?limit=100');
    if (!top.next_cursor && top.items.length <= 50) return 'fewer than 51 ranked addresses';
    await page.getByTestId('scores-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=score-row]').length === n, top.items.length);
    eq(await page.getByTestId('score-row').nth(50).getAttribute('data-address'), top.items[50].address, 'row 51');
  });

  await check('the level filter shows only that level', async () => {
    const level = stats.levels.high > 0 ? 'high' : 'medium';
    const want = await apiGet('/v1/scores?limit=50&level=' + level);
    await page.getByTestId('filter-level').selectOption(level);
    await page.waitForFunction(([n, l]) => {
      const rows = document.querySelectorAll('[data-testid=score-row]');
      return rows.length === n && Array.from(rows).every((r) => r.querySelector('[data-level]').dataset.level === l);
    }, [want.items.length, level]);
    assert(want.items.length > 0 || await page.getByTestId('scores-body').innerText().then((t) => /No address/.test(t)), 'empty state');
    await page.getByTestId('filter-reset').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=score-row]').length === n, Math.min(50, stats.ranked));
  });

  await check('the seeded incidents are listed: Ronin Bridge and Bybit, with dates, amounts and reports', async () => {
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=incident]').length === n, stats0.incidents);
    const names = await page.getByTestId('incident-name').allInnerTexts();
    assert(names.some((x) => x.includes('Ronin Bridge')), 'no Ronin Bridge in ' + names.join(' | '));
    assert(names.some((x) => x.includes('Bybit')), 'no Bybit');
    const bybit = page.locator('[data-testid=incident][data-id="2025-02-bybit"]');
    assert((await bybit.getByTestId('incident-date').innerText()).includes('2025-02-21'), 'Bybit date');
    eq(await bybit.getByTestId('incident-usd').innerText(), '$1.5B', 'Bybit amount');
    assert((await bybit.getByTestId('incident-report').innerText()).includes('MSMT'), 'Bybit report');
    const ronin = page.locator('[data-testid=incident][data-id="2022-03-ronin-bridge"]');
    assert(/not in a UN report/.test(await ronin.getByTestId('incident-report').innerText()), 'Ronin: "not in a UN report" not shown');
    const coincheck = page.locator('[data-testid=incident][data-id="2018-01-coincheck"]');
    assert((await coincheck.getByTestId('incident-report').innerText()).includes('S/2019/171'), 'Coincheck UN report');
    const links = await ronin.locator('a[href^="http"]').count();
    assert(links >= 1, 'Ronin has no source link');
  });

  await check("Coincheck's disputed attribution is shown as a visible doubt", async () => {
    const doubt = page.locator('[data-testid=incident][data-id="2018-01-coincheck"] [data-testid=incident-doubt]');
    await doubt.first().waitFor({ state: 'visible' });
    const text = await doubt.first().innerText();
    assert(/disputed/i.test(text) && /Russia/i.test(text), 'doubt text: ' + text);
    const box = await doubt.first().boundingBox();
    assert(box && box.width > 100 && box.height > 10, 'doubt not visibly rendered');
    const incidents = await apiGet('/v1/incidents');
    const want = incidents.incidents.reduce((a, i) => a + i.doubts.length, 0);
    eq(await page.getByTestId('incident-doubt').count(), want, 'every doubt shown');
  });

  await check('a bad address shows the problem detail (422 invalid_address)', async () => {
    await page.getByTestId('lookup-chain').selectOption('eth');
    await page.getByTestId('lookup-address').fill('0x1234');
    await page.getByTestId('lookup-submit').click();
    const err = page.getByTestId('lookup-error');
    await err.waitFor();
    const text = await err.innerText();
    assert(/422/.test(text) && /not a valid eth address/.test(text) && /invalid_address/.test(text), 'error shown: ' + text);
  });

  await check('clicking an address in the table opens it in the lookup panel', async () => {
    const row = page.getByTestId('score-row').first();
    const addr = await row.getAttribute('data-address');
    await row.getByTestId('score-address').click();
    await page.waitForFunction((a) => {
      const el = document.querySelector('[data-testid=risk-address]');
      return el && el.textContent === a;
    }, addr);
    eq(await page.getByTestId('lookup-address').inputValue(), addr, 'lookup input');
  });

  // Polling: the page asks again with If-None-Match and gets 304s.
  await check('polling sends If-None-Match and keeps what is shown on 304', async () => {
    const t0 = Date.now();
    while (Date.now() - t0 < 13000) {
      if (requests.some((r) => r.url.endsWith('/v1/stats') && r.inm && r.status === 304)) break;
      await page.waitForTimeout(250);
    }
    assert(requests.some((r) => r.url.endsWith('/v1/stats') && r.inm && r.status === 304), 'no conditional 304 on /v1/stats');
    eq(await page.getByTestId('stat-epoch').getAttribute('data-value'), String(stats.epoch), 'epoch after a 304');
  });

  // An address enters the table (high: 2000 of its 5000 USD from the Ronin
  // exploiter: 100 * (1 - 0.6^2) = 64), then falls to medium (another 5000
  // clean: 100 * (1 - 0.8^2) = 36) and leaves the high-filtered table: the
  // second step must come from the changes feed alone, not a reload.
  await check('after imports the header, chart and table update by themselves (changes feed)', async () => {
    if (process.env.DASHBOARD_NO_IMPORT === '1') return 'DASHBOARD_NO_IMPORT=1';
    const hex = (n) => '0x' + randomBytes(n).toString('hex');
    const fresh = hex(20), clean = hex(20), clean2 = hex(20);
    const row = (from, usd, time) => `eth,${hex(32)},0,${from},${fresh},ETH,1,${usd},${time}\n`;
    const head = 'chain,tx_hash,idx,from,to,asset,amount,usd,time\n';
    await page.getByTestId('filter-level').selectOption('high');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=score-row] [data-level]'))
      .every((b) => b.dataset.level === 'high'));
    let res = await apiPost('/v1/flows', 'text/csv',
      head + row(RONIN, 2000, '2022-05-01T00:00:00Z') + row(clean, 3000, '2022-05-01T00:00:01Z'));
    if (res.status === 403) return 'the key may not ingest';
    eq(res.status, 200, 'import status ' + JSON.stringify(res.body));
    let after = await apiGet('/v1/stats');
    await page.waitForFunction((f) => document.querySelector('[data-testid=stat-flows]').dataset.value === String(f),
      after.flows, { timeout: 20000 });
    await page.waitForFunction((a) => !!document.querySelector(`[data-testid=score-row][data-address="${a}"]`), fresh);
    eq(await page.locator(`[data-testid=score-row][data-address="${fresh}"] [data-testid=score-value]`).innerText(), '64', 'score');
    for (const l of LEVELS)
      eq(await page.getByTestId('level-bar-' + l).getAttribute('data-value'), String(after.levels[l]), 'chart ' + l + ' after import');
    assert(/epoch/.test(await page.getByTestId('live').innerText()), 'nothing announced');

    const mark = requests.length;
    res = await apiPost('/v1/flows', 'text/csv', head + row(clean2, 5000, '2022-05-02T00:00:00Z'));
    eq(res.status, 200, 'second import status ' + JSON.stringify(res.body));
    after = await apiGet('/v1/stats');
    await page.waitForFunction((a) => !document.querySelector(`[data-testid=score-row][data-address="${a}"]`), fresh,
      { timeout: 20000 });
    const since = requests.slice(mark);
    assert(since.some((r) => /\/v1\/scores\/changes\?since=\d+/.test(r.url) && r.status === 200), 'the changes feed was not used');
    assert(!since.some((r) => /\/v1\/scores\?/.test(r.url)), 'the table was reloaded instead of updated from the changes feed');
    eq(await page.getByTestId('stat-epoch').getAttribute('data-value'), String(after.epoch), 'epoch');
    await page.getByTestId('filter-reset').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=score-row]').length === n, Math.min(50, after.ranked));
  });

  await check(key ? 'the key is kept across a reload' : 'a reload loads again without asking for a key', async () => {
    requests.length = 0;
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert(!(await page.getByTestId('key-panel').isVisible()), 'asked for the key again');
    assert(requests.every((r) => !/\/v1\//.test(r.url) || r.status !== 401), 'a 401 after the reload');
  });

  const target = await findTainted().catch((e) => ({ error: e }));
  await check('looking up a tainted address shows its level, categories and trace', async () => {
    if (target.error) throw target.error;
    const risk = await apiGet(`/v1/addresses/${target.chain}/${encodeURIComponent(target.address)}/risk`);
    assert(risk.level === 'high' || risk.level === 'severe', 'not high or severe: ' + risk.level);
    await page.getByTestId('lookup-chain').selectOption(target.chain);
    await page.getByTestId('lookup-address').fill(target.address);
    await page.getByTestId('lookup-submit').click();
    await page.waitForFunction((a) => {
      const el = document.querySelector('[data-testid=risk-address]');
      return el && el.textContent === a;
    }, risk.address);
    eq(await page.locator('[data-testid=risk-level] [data-level]').getAttribute('data-level'), risk.level, 'level shown');
    eq(await page.getByTestId('risk-level').innerText(), risk.level.toUpperCase(), 'level text');
    eq(Number(await page.getByTestId('risk-score').getAttribute('data-value')), risk.score, 'score shown');
    const cats = await page.locator('[data-testid=risk-categories] tbody tr').count();
    eq(cats, risk.categories.filter((c) => c.exposure > 0 || c.tainted_usd > 0 || c.holding > 0).length, 'categories');
    const trace = await apiGet(`/v1/addresses/${target.chain}/${encodeURIComponent(target.address)}/trace`);
    eq(await page.getByTestId('trace-path').count(), trace.paths.length, 'trace paths');
    const hops = trace.paths.reduce((a, p) => a + p.hops.length, 0);
    eq(await page.getByTestId('trace-hop').count(), hops, 'trace hops');
    assert(trace.paths.length > 0, 'no trace path');
  });

  await check('no script error and no Content-Security-Policy violation', async () => {
    assert(pageErrors.length === 0, pageErrors.join('\n'));
  });

  await check('a full-page screenshot is saved', async () => {
    await page.getByTestId('lookup').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, 0));
    mkdirSync(dirname(shotPath), { recursive: true });
    await page.screenshot({ path: shotPath, fullPage: true });
    const size = statSync(shotPath).size;
    assert(size > 10000, 'screenshot of ' + size + ' bytes');
  });
}

try {
  await main();
} catch (e) {
  if (e instanceof BailOut) {
    console.log('Bail out! ' + e.message);
    failed++;
  } else {
    failed++;
    n++;
    console.log(`not ok ${n} - the browser test ran to its end`);
    for (const line of String((e && e.stack) || e).split('\n').slice(0, 8)) console.log('  # ' + line);
  }
  if (pageErrors.length) console.log('  # ' + pageErrors.join('\n  # '));
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
