#!/usr/bin/env node
// collect.mjs -- turns the exchanges the integration suites recorded into
// the log check.mjs reads.
//
//   node tests/contract/collect.mjs CONTRACT_LOG.d > CONTRACT_LOG.ndjson
//
// The `api` helper (tests/integration/helpers.bash) keeps each exchange as
// three files of the directory: NAME.meta (method, path, status and content
// type, one per line), NAME.body and NAME.headers (as curl -D wrote them),
// NAME starting with the time it was made. Writes one JSON line per
// exchange, in time order:
//   {"method","path","status","content_type","body","headers"}
// headers: those of the final answer (after any "100 Continue"), by
// lower-case name, repeated ones joined with ", "; null when none came.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node collect.mjs CONTRACT_LOG.d > CONTRACT_LOG.ndjson');
  process.exit(2);
}

function headersOf (text) {
  const blocks = text.replace(/\r/g, '').split('\n\n').filter((b) => b.startsWith('HTTP/'));
  if (blocks.length === 0) return null;
  const headers = {};
  for (const line of blocks[blocks.length - 1].split('\n').slice(1)) {
    const m = /^([^:]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!m) continue;
    const k = m[1].toLowerCase();
    headers[k] = k in headers ? `${headers[k]}, ${m[2]}` : m[2];
  }
  return headers;
}

const names = readdirSync(dir).filter((f) => f.endsWith('.meta')).map((f) => f.slice(0, -5)).sort();
const out = [];
for (const name of names) {
  const [method, path, status, contentType] = readFileSync(join(dir, `${name}.meta`), 'utf8').split('\n');
  out.push(JSON.stringify({
    method,
    path,
    status: Number(status),
    content_type: contentType,
    body: readFileSync(join(dir, `${name}.body`), 'utf8'),
    headers: headersOf(readFileSync(join(dir, `${name}.headers`), 'utf8')),
  }));
}
process.stdout.write(out.length ? `${out.join('\n')}\n` : '');
