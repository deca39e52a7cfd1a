#!/usr/bin/env node
// check.mjs -- checks recorded HTTP exchanges against openapi.yaml.
//
//   node tests/contract/check.mjs openapi.yaml CONTRACT_LOG.ndjson
//
// The log holds one exchange per line, as the integration suites' `api`
// helper writes it:
//   {"method":"GET","path":"/v1/incidents?x=1","status":200,
//    "content_type":"application/json","body":"<raw body text>",
//    "headers":{"etag":"\"0f3c...\"","cache-control":"private, no-cache",...}}
// ("headers" may be absent or null: the headers are then not checked).
// For each exchange: the path (query dropped) is matched to a path template
// of the description (a literal segment wins over a parameter, and a
// parameter never matches an empty segment), then the operation of the
// method (HEAD is answered as GET), the response of the status (exact, then
// 4XX-style ranges, then `default`), and the media type of the content type
// (parameters such as "; charset=" ignored). A JSON body must parse and
// validate against the media type's schema (JSON Schema 2020-12, with ajv);
// other bodies only need a documented content type. A problem document's
// `code` must have the status the description gives it (the `x-status-by-code`
// map of the ProblemCode schema), and its `status` member must be the HTTP
// status. The router's answers that no operation lists are checked against
// two reusable responses: a path no template matches against
// `components/responses/RouteNotFound`, a method a path does not list against
// `components/responses/MethodNotAllowed`.
//
// When the log records the answer's headers ("headers": {lower-case name:
// value}, as `api` writes them), they are checked too: every header the
// response describes, and every header of the document's
// `x-response-headers` (those of every answer, which a response's own
// description of the same header overrides), must match its schema when
// present (integer and number schemas see the value as a number) and be
// present when `required`; and every header that came must be described by
// one of the two, but for those of HTTP itself (Content-Type, checked by
// the media type, Content-Length, Date, Connection, Keep-Alive,
// Transfer-Encoding).
//
// Prints TAP: one line per (method, path template, status) group, the ajv
// errors and the offending body under a failing one, then how many
// responses were checked and which documented responses no exchange
// exercised. Exits 1 when any group fails or the log is empty, 2 on usage
// or unreadable inputs.

import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const SPEC_ID = 'https://riskd.dev/openapi.yaml';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const UNROUTED = 'RouteNotFound';
const WRONG_METHOD = 'MethodNotAllowed';
const MAX_ERRORS = 5;       // ajv errors shown per failing response
const EVERY_ANSWER = 'x-response-headers';
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection',
  'keep-alive', 'transfer-encoding']);
const MAX_SHOWN = 3;        // failing responses shown per group
const BODY_SHOWN = 400;     // characters of a body shown

function usage (msg) {
  console.error(`check.mjs: ${msg}\nusage: node check.mjs OPENAPI.yaml CONTRACT_LOG.ndjson`);
  process.exit(2);
}

const [specPath, logPath] = process.argv.slice(2);
if (!specPath || !logPath) usage('two arguments needed');

let spec, logText;
try {
  spec = YAML.parse(readFileSync(specPath, 'utf8'));
} catch (e) {
  usage(`cannot read ${specPath}: ${e.message}`);
}
try {
  logText = readFileSync(logPath, 'utf8');
} catch (e) {
  usage(`cannot read ${logPath}: ${e.message}`);
}

// ---- JSON pointers into the description ----

const escapePointer = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (s) => s.replace(/~1/g, '/').replace(/~0/g, '~');

function atPointer (pointer) {
  let node = spec;
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter((p) => p !== '')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[unescapePointer(part)];
  }
  return node;
}

/** Follows a Reference Object (responses may be $refs): [object, pointer]. */
function deref (node, pointer) {
  for (let hops = 0; node && typeof node === 'object' && typeof node.$ref === 'string'; hops++) {
    if (hops > 20 || !node.$ref.startsWith('#/')) throw new Error(`cannot follow $ref ${node.$ref}`);
    pointer = node.$ref;
    node = atPointer(pointer);
  }
  return [node, pointer];
}

// ---- ajv over the whole description ----

// The description is handed to ajv as one schema document so that every
// "#/components/..." reference resolves in place. Its OpenAPI members are
// declared as keywords that validate nothing, and so are the extensions
// (x-...) and the OpenAPI-only schema keywords, so that ajv's strict mode
// still catches a misspelt JSON Schema keyword.
const ajv = new Ajv2020({
  strict: true,
  strictTypes: false,       // `properties` without `type: object` in allOf branches is fine
  allowUnionTypes: true,    // type: [string, 'null']
  allErrors: true,
});
addFormats(ajv);
const extensions = new Set(['discriminator', 'xml', 'externalDocs', 'example']);
(function collect (node) {
  if (Array.isArray(node)) return node.forEach(collect);
  if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('x-')) extensions.add(k);
      collect(v);
    }
})(spec);
for (const k of Object.keys(spec)) extensions.add(k);
for (const k of extensions)
  if (!ajv.getKeyword(k)) ajv.addKeyword({ keyword: k });
ajv.addSchema(spec, SPEC_ID);

const validators = new Map();
function validatorFor (pointer) {
  if (!validators.has(pointer))
    validators.set(pointer, ajv.compile({ $ref: SPEC_ID + pointer }));
  return validators.get(pointer);
}

// ---- what the description documents ----

const templates = Object.keys(spec.paths || {}).map((t) => ({
  template: t,
  segments: t.split('/').slice(1).map((s) => (/^\{.+\}$/.test(s) ? null : s)),
}));

/** The path template matching a concrete path, or null. */
function matchTemplate (path) {
  const segs = path.split('/').slice(1);
  let best = null;
  for (const t of templates) {
    if (t.segments.length !== segs.length) continue;
    if (!t.segments.every((lit, i) => (lit === null ? segs[i] !== '' : lit === segs[i]))) continue;
    // literal segments win over parameters, the leftmost first
    const rank = t.segments.map((lit) => (lit === null ? '0' : '1')).join('');
    if (!best || rank > best.rank) best = { template: t.template, rank };
  }
  return best && best.template;
}

const problemStatus = (() => {
  const code = spec.components?.schemas?.ProblemCode;
  return code?.['x-status-by-code'] || {};
})();

const isJson = (mt) => mt === 'application/json' || /\+json$/.test(mt);
const mediaType = (ct) => String(ct || '').split(';')[0].trim().toLowerCase();

/** The documented media type a response's content type falls under. */
function matchMediaType (content, ct) {
  const mt = mediaType(ct);
  const keys = Object.keys(content || {});
  const find = (want) => keys.find((k) => mediaType(k) === want);
  return find(mt) ?? find(mt.replace(/\/.*/, '/*')) ?? find('*/*');
}

/** The headers an answer may carry: lower-case name -> { name, header, pointer }. */
function headerSpecs (response, responsePointer) {
  const specs = new Map();
  for (const [name, h] of Object.entries(spec[EVERY_ANSWER] || {}))
    specs.set(name.toLowerCase(), { name, header: h, pointer: `#/${EVERY_ANSWER}/${escapePointer(name)}` });
  for (const [name, h] of Object.entries(response?.headers || {})) {
    const [header, pointer] = deref(h, `${responsePointer}/headers/${escapePointer(name)}`);
    specs.set(name.toLowerCase(), { name, header, pointer });
  }
  return specs;
}

/** The errors of an answer's headers against what the response describes. */
function checkHeaders (headers, response, responsePointer) {
  const errors = [];
  const specs = headerSpecs(response, responsePointer);
  const got = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  for (const [key, { name, header, pointer }] of specs) {
    if (!got.has(key)) {
      if (header?.required) errors.push(`header ${name} is required, and did not come`);
      continue;
    }
    if (!header?.schema) continue;
    const [schema] = deref(header.schema, `${pointer}/schema`);
    const raw = got.get(key);
    const numeric = schema && (schema.type === 'integer' || schema.type === 'number');
    const value = numeric && /^-?[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : raw;
    const validate = validatorFor(`${pointer}/schema`);
    if (!validate(value))
      errors.push(`header ${name}: ${JSON.stringify(raw)} ${validate.errors.map((e) => e.message).join('; ')}`);
  }
  for (const [key, value] of got)
    if (!specs.has(key) && !TRANSPORT_HEADERS.has(key))
      errors.push(`header ${key} (${JSON.stringify(value)}) is not described for this response`);
  return errors;
}

// Every schema of every response compiles (strict), exercised or not.
const compileErrors = [];
const documented = [];    // [label, groupKey] of every operation x status
for (const [template, item] of Object.entries(spec.paths || {})) {
  for (const method of METHODS) {
    if (!item?.[method]) continue;
    for (const [status, resp] of Object.entries(item[method].responses || {})) {
      documented.push(`${method.toUpperCase()} ${template} ${status}`);
      const base = `#/paths/${escapePointer(template)}/${method}/responses/${escapePointer(status)}`;
      const [r, ptr] = deref(resp, base);
      for (const [mt, media] of Object.entries(r?.content || {}))
        if (media?.schema) {
          const p = `${ptr}/content/${escapePointer(mt)}/schema`;
          try { validatorFor(p); } catch (e) { compileErrors.push(`${p}: ${e.message}`); }
        }
      for (const h of headerSpecs(r, ptr).values())
        if (h.header?.schema)
          try { validatorFor(`${h.pointer}/schema`); } catch (e) { compileErrors.push(`${h.pointer}/schema: ${e.message}`); }
    }
  }
}
if (compileErrors.length) {
  console.log('1..1');
  console.log('not ok 1 - the response schemas of the description compile');
  for (const e of compileErrors) console.log(`# ${e}`);
  process.exit(1);
}

// ---- one exchange ----

const truncate = (s, n) => (s.length > n ? `${s.slice(0, n)}... (${s.length} characters)` : s);

/** Checks one exchange: { key, label, errors[] }. */
function checkExchange (x) {
  const errors = [];
  const method = String(x.method || '').toUpperCase();
  const status = Number(x.status);
  const path = String(x.path || '').split('?')[0];
  const template = matchTemplate(path);
  let label, responsePointer;

  if (!Number.isInteger(status) || status < 100) {
    return { key: `${method} ${path} no answer`, label: `${method} ${path} (no HTTP answer)`,
             errors: [`status ${JSON.stringify(x.status)}: the server gave no HTTP answer`] };
  }
  if (template === null) {
    label = `${method} (no route) ${status}`;
    if (status !== 404) errors.push(`no path template matches ${path}, and the answer is not the router's 404`);
    responsePointer = `#/components/responses/${UNROUTED}`;
  } else {
    const item = spec.paths[template];
    const op = item[method.toLowerCase()] ? method.toLowerCase()
      : method === 'HEAD' && item.get ? 'get' : null;
    label = `${method} ${template} ${status}`;
    if (op === null) {
      if (status !== 405) errors.push(`${template} documents no ${method}, and the answer is not the router's 405`);
      responsePointer = `#/components/responses/${WRONG_METHOD}`;
    } else {
      const responses = item[op].responses || {};
      const key = [String(status), `${String(status)[0]}XX`, `${String(status)[0]}xx`, 'default']
        .find((k) => responses[k] !== undefined);
      if (key === undefined) {
        errors.push(`${op.toUpperCase()} ${template} documents no ${status} response`);
        return { key: label, label, errors };
      }
      responsePointer = `#/paths/${escapePointer(template)}/${op}/responses/${escapePointer(key)}`;
    }
  }
  if (errors.length) return { key: label, label, errors };

  const [response, ptr] = deref(atPointer(responsePointer), responsePointer);
  if (x.headers && typeof x.headers === 'object')
    errors.push(...checkHeaders(x.headers, response, ptr));
  const body = typeof x.body === 'string' ? x.body : '';
  const content = response?.content;
  if (!content || Object.keys(content).length === 0) {
    // (HEAD has no body: a client may record its headers instead)
    if (body !== '' && method !== 'HEAD') errors.push(`the ${status} response documents no content, but a body came`);
    return { key: label, label, errors };
  }
  const mt = matchMediaType(content, x.content_type);
  if (mt === undefined) {
    errors.push(`content type "${x.content_type}" is not documented (documented: ${Object.keys(content).join(', ')})`);
    return { key: label, label, errors, body };
  }
  // HEAD has no body (a client may record its headers instead)
  if (method === 'HEAD' || !isJson(mediaType(x.content_type))) return { key: label, label, errors };

  let doc;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    errors.push(`the body is not JSON: ${e.message}`);
    return { key: label, label, errors, body };
  }
  if (content[mt].schema) {
    const validate = validatorFor(`${ptr}/content/${escapePointer(mt)}/schema`);
    if (!validate(doc))
      for (const e of validate.errors.slice(0, MAX_ERRORS))
        errors.push(`${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)} [${e.schemaPath}]`);
    if (validate.errors && validate.errors.length > MAX_ERRORS)
      errors.push(`... ${validate.errors.length - MAX_ERRORS} more ajv errors`);
  }
  // a problem document: its code has the status the description gives it
  if (doc && typeof doc === 'object' && typeof doc.code === 'string' && /problem\+json/.test(mediaType(x.content_type))) {
    const want = problemStatus[doc.code];
    if (want === undefined) errors.push(`problem code "${doc.code}" is not in ProblemCode's x-status-by-code`);
    else if (Number(want) !== status) errors.push(`problem code "${doc.code}" is documented with status ${want}, answered with ${status}`);
    if (doc.status !== status) errors.push(`the problem's status member is ${JSON.stringify(doc.status)}, the HTTP status ${status}`);
    if (typeof doc.type === 'string' && !doc.type.endsWith(`/${doc.code}`)) errors.push(`the problem's type ${doc.type} does not end with its code`);
  }
  return { key: label, label, errors, body };
}

// ---- the log ----

const groups = new Map();
let checked = 0;
const lines = logText.split('\n');
lines.forEach((line, i) => {
  if (line.trim() === '') return;
  let x, result;
  try {
    x = JSON.parse(line);
  } catch (e) {
    result = { key: `log line ${i + 1}`, label: `log line ${i + 1} is readable`, errors: [`not JSON: ${e.message}`], body: line };
  }
  if (x !== undefined) {
    try {
      result = checkExchange(x);
    } catch (e) {
      result = { key: `log line ${i + 1}`, label: `log line ${i + 1} can be checked`, errors: [e.message], body: line };
    }
    checked++;
  }
  const g = groups.get(result.key) || { label: result.label, count: 0, failures: [] };
  g.count++;
  if (result.errors.length) g.failures.push({ line: i + 1, exchange: x, errors: result.errors, body: result.body });
  groups.set(result.key, g);
});

const sorted = [...groups.values()].sort((a, b) => {
  const [am, at, as] = a.label.split(' ');
  const [bm, bt, bs] = b.label.split(' ');
  return (at || '').localeCompare(bt || '') || am.localeCompare(bm) || String(as).localeCompare(String(bs));
});

console.log(`1..${Math.max(sorted.length, 1)}`);
let failed = 0;
sorted.forEach((g, i) => {
  const n = `${g.count} response${g.count === 1 ? '' : 's'}`;
  if (g.failures.length === 0) {
    console.log(`ok ${i + 1} - ${g.label} (${n})`);
    return;
  }
  failed++;
  console.log(`not ok ${i + 1} - ${g.label} (${g.failures.length} of ${n} failed)`);
  for (const f of g.failures.slice(0, MAX_SHOWN)) {
    const where = f.exchange ? `${f.exchange.method} ${f.exchange.path}` : '';
    console.log(`#   log line ${f.line}: ${where}`);
    for (const e of f.errors) console.log(`#     ${e}`);
    if (f.body !== undefined) console.log(`#     body: ${truncate(String(f.body), BODY_SHOWN).replace(/\n/g, '\\n')}`);
  }
  if (g.failures.length > MAX_SHOWN) console.log(`#   ... and ${g.failures.length - MAX_SHOWN} more`);
});
if (sorted.length === 0) console.log(`not ok 1 - the log ${logPath} holds exchanges`);

// Coverage, for information: which documented responses no exchange hit.
// HEAD counts for GET; a wrong method's 405 counts for every operation of
// the path (each documents the router's 405).
const seen = new Set();
for (const g of sorted) {
  const [m, t, s] = g.label.split(' ');
  seen.add(`${m === 'HEAD' ? 'GET' : m} ${t} ${s}`);
  if (s === '405' && spec.paths?.[t])
    for (const method of METHODS) if (spec.paths[t][method]) seen.add(`${method.toUpperCase()} ${t} 405`);
}
const unexercised = documented.filter((d) => !seen.has(d));
console.log(`# ${checked} responses checked`);
if (unexercised.length)
  console.log(`# documented but not exercised (${unexercised.length}): ${unexercised.join('; ')}`);
process.exit(failed > 0 || checked === 0 ? 1 : 0);
