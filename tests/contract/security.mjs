#!/usr/bin/env node
// security.mjs -- what openapi.yaml says each operation needs to be called.
//
//   node tests/contract/security.mjs openapi.yaml
//
// Prints one line per operation, "METHOD /template NEED", sorted, where
// NEED is `open` when the operation's security requirements (its own, else
// the document's) are empty or allow no credentials at all (`{}`), the
// scope when the one requirement is one scope of the bearerAuth scheme,
// and the requirements as JSON otherwise (which no route of riskd has:
// the bats suite then reports it as a difference). openapi.bats compares
// it with the scopes of server/routes.c and the open routes riskd reports.

import { readFileSync } from 'node:fs';
import YAML from 'yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const [specPath] = process.argv.slice(2);
if (!specPath) {
  console.error('usage: node security.mjs OPENAPI.yaml');
  process.exit(2);
}
const spec = YAML.parse(readFileSync(specPath, 'utf8'));

const lines = [];
for (const [template, item] of Object.entries(spec.paths || {}))
  for (const method of METHODS) {
    const op = item?.[method];
    if (!op) continue;
    const security = op.security ?? spec.security ?? [];
    let need;
    if (security.length === 0 || security.some((r) => Object.keys(r).length === 0)) need = 'open';
    else if (security.length === 1 && Object.keys(security[0]).length === 1
             && Array.isArray(security[0].bearerAuth) && security[0].bearerAuth.length === 1)
      need = security[0].bearerAuth[0];
    else need = JSON.stringify(security);
    lines.push(`${method.toUpperCase()} ${template} ${need}`);
  }
console.log(lines.sort().join('\n'));
