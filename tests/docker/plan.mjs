// plan.mjs -- the parsing half of check.sh and host_build.sh, so that the
// shell scripts never parse a Dockerfile, a .dockerignore or YAML by hand.
//
//   node plan.mjs dockerfile FILE        the Dockerfile as JSON (below)
//   node plan.mjs context SRC IGNORE DST copy the build context SRC into DST,
//                                        leaving out what IGNORE (a
//                                        .dockerignore) leaves out; prints
//                                        the number of files copied
//   node plan.mjs steps FILE             the same, one line of bash
//                                        assignments a step, for eval
//   node plan.mjs yaml2json < FILE       YAML (with merge keys) to JSON
//
// The Dockerfile is parsed by dockerfile-ast, the parser of the Dockerfile
// language server that dockerfile-utils lints with; the context is filtered
// by @balena/dockerignore, which follows Docker's own matching rules.
//
// JSON of a Dockerfile:
//   {"stages": [{"name": "build", "from": "debian:bookworm", "line": 17,
//                "steps": [{"keyword": "RUN", "line": 21,
//                           "flags": {"from": "build", ...},
//                           "args": ["docker/build.sh", "deps"],
//                           "exec": null | ["json", "form"],
//                           "shell": "the shell form, continuations joined",
//                           "props": [["NAME", "value"], ...]}, ...]}]}
// HEALTHCHECK steps also have "subcommand" ("CMD" or "NONE") and "exec" /
// "shell" for the command after it.
import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import dockerignore from '@balena/dockerignore';
import YAML from 'yaml';

function die(msg) {
  process.stderr.write(`plan.mjs: ${msg}\n`);
  process.exit(2);
}

function parseDockerfile(file) {
  const df = DockerfileParser.parse(fs.readFileSync(file, 'utf8'));
  const stages = [];
  let stage = null;
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword();
    const step = {
      keyword,
      line: ins.getRange().start.line + 1,
      flags: {},
      args: ins.getArguments().map((a) => a.getValue()),
      exec: null,
      shell: ins.getArgumentsContent(),
    };
    if (typeof ins.getFlags === 'function') {
      for (const f of ins.getFlags()) step.flags[f.getName()] = f.getValue();
    }
    if (typeof ins.getProperties === 'function') {
      step.props = ins.getProperties().map((p) => [p.getName(), p.getValue()]);
    }
    if (typeof ins.getJSONStrings === 'function' && ins.getOpeningBracket() && ins.getClosingBracket()) {
      step.exec = ins.getJSONStrings().map((s) => s.getJSONValue());
    }
    if (keyword === 'HEALTHCHECK') {
      const sub = ins.getSubcommand();
      step.subcommand = sub ? sub.getValue().toUpperCase() : null;
      if (step.subcommand === 'CMD') {
        const rest = step.shell.slice(step.shell.search(/\bCMD\b/i) + 3).trim();
        step.shell = rest;
        if (rest.startsWith('[')) {
          try {
            step.exec = JSON.parse(rest);
            step.shell = null;
          } catch {
            // not JSON: Docker runs it with /bin/sh -c, as a shell form
          }
        }
      }
    }
    if (keyword === 'FROM') {
      stage = {
        name: ins.getBuildStage() || String(stages.length),
        from: ins.getImage(),
        line: step.line,
        steps: [],
      };
      stages.push(stage);
      continue;
    }
    if (!stage) {
      if (keyword === 'ARG') continue;
      die(`${file}:${step.line}: ${keyword} before FROM`);
    }
    stage.steps.push(step);
  }
  return { stages };
}

// Copies SRC into DST as a build context: every file that the ignore file
// does not leave out, with its mode. A folder left out is not entered unless
// an exception (!pattern) could bring back something below it.
function copyContext(src, ignoreFile, dst) {
  const lines = fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8').split('\n') : [];
  const ig = dockerignore({ ignorecase: false }).add(lines);
  const exceptions = lines.map((l) => l.trim()).filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1).replace(/^\/+/, ''));
  const mayHoldException = (rel) => exceptions.some((e) => e.startsWith(`${rel}/`) || /^[*?[]/.test(e));
  let count = 0;
  const walk = (rel) => {
    const abs = path.join(src, rel);
    for (const ent of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) {
        if (ig.ignores(r) && !mayHoldException(r)) continue;
        walk(r);
      } else if (!ig.ignores(r)) {
        const to = path.join(dst, r);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        if (ent.isSymbolicLink()) {
          fs.symlinkSync(fs.readlinkSync(path.join(src, r)), to);
        } else {
          fs.copyFileSync(path.join(src, r), to);
          fs.chmodSync(to, fs.statSync(path.join(src, r)).mode & 0o7777);
        }
        count++;
      }
    }
  };
  fs.mkdirSync(dst, { recursive: true });
  walk('');
  return count;
}

// Bash's $'...' quoting: any string on one line, safe to eval.
function q(v) {
  const str = v === null || v === undefined ? '' : String(v);
  return `$'${str.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')}'`;
}
const qa = (a) => `(${(a || []).map(q).join(' ')})`;

// One line a step: stage=N name= base= keyword= line= text= args=() exec=()
// props=(NAME=value ...) flags=([name]=value ...) (flags: declare -A first).
function steps(file) {
  const out = [];
  parseDockerfile(file).stages.forEach((st, i) => {
    for (const step of st.steps) {
      const flags = Object.entries(step.flags).map(([k, v]) => `[${q(k)}]=${q(v)}`).join(' ');
      out.push([
        `stage=${i}`, `name=${q(st.name)}`, `base=${q(st.from)}`, `keyword=${q(step.keyword)}`,
        `line=${step.line}`, `text=${q(step.shell === null ? JSON.stringify(step.exec) : step.shell)}`,
        `args=${qa(step.args)}`, `exec=${qa(step.exec)}`, `exec_json=${q(JSON.stringify(step.exec))}`,
        `props=${qa((step.props || []).map(([k, v]) => `${k}=${v}`))}`, `flags=(${flags})`,
      ].join(' '));
    }
  });
  return out.join('\n');
}

const [cmd, ...args] = process.argv.slice(2);
switch (cmd) {
  case 'dockerfile':
    if (args.length !== 1) die('usage: plan.mjs dockerfile FILE');
    process.stdout.write(`${JSON.stringify(parseDockerfile(args[0]), null, 1)}\n`);
    break;
  case 'steps':
    if (args.length !== 1) die('usage: plan.mjs steps FILE');
    process.stdout.write(`${steps(args[0])}\n`);
    break;
  case 'context':
    if (args.length !== 3) die('usage: plan.mjs context SRC IGNOREFILE DST');
    process.stdout.write(`${copyContext(...args)}\n`);
    break;
  case 'yaml2json': {
    const doc = YAML.parse(fs.readFileSync(0, 'utf8'), { merge: true });
    process.stdout.write(`${JSON.stringify(doc)}\n`);
    break;
  }
  default:
    die('usage: plan.mjs dockerfile FILE | steps FILE | context SRC IGNOREFILE DST | yaml2json');
}
