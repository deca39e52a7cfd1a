#!/usr/bin/env node
// etags.mjs -- which GET operations of openapi.yaml answer with an ETag.
//
//   node tests/contract/etags.mjs openapi.yaml
//
// Prints "GET /template" for every GET operation whose 200 response
// describes an ETag header (and so takes If-None-Match and answers 304),
// sorted. openapi.bats checks that exactly these routes send a tag, and
// a 304 to it.

import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const [specPath] = process.argv.slice(2);
if (!specPath) {
  console.error('usage: node etags.mjs OPENAPI.yaml');
  process.exit(2);
}
const spec = YAML.parse(readFileSync(specPath, 'utf8'));

/** Follows local $refs. */
function deref (node) {
  for (let hops = 0; node && typeof node.$ref === 'string'; hops++) {
    if (hops > 20 || !node.$ref.startsWith('#/')) throw new Error(`cannot follow $ref ${node.$ref}`);
    node = node.$ref.slice(2).split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((n, p) => n?.[p], spec);
  }
  return node;
}

const lines = [];
for (const [template, item] of Object.entries(spec.paths || {})) {
  const ok = deref(item?.get?.responses?.['200']);
  if (ok && Object.keys(ok.headers || {}).some((h) => h.toLowerCase() === 'etag'))
    lines.push(`GET ${template}`);
}
console.log(lines.sort().join('\n'));
