#!/usr/bin/env bash
# fetch.sh — provenance of the embedded JSON-LD contexts, as a program.
#
# Re-downloads every package named in index.json from the npm registry at its
# pinned version (`npm pack NAME@VERSION`), extracts each context exactly as
# index.json's "extract" field says, writes it to OUTDIR and checks its
# sha256 against index.json and against the embedded copy beside this script.
#
#   usage: schemas/contexts/fetch.sh [OUTDIR]     (default: a fresh temp dir)
#   needs: npm, node, tar
#
# Extraction rules ("extract" in index.json):
#   copy               the file inside the package tarball, byte for byte
#   literal            a CommonJS module "module.exports = {...};" whose
#                      object literal is already JSON: the text after
#                      "module.exports = ", trailing whitespace and ";" removed
#   stringify          a CommonJS module whose object literal is not JSON
#                      (unquoted keys): JSON.stringify(require(file), null, 2)
#   bytes:OFFSET:LEN   LEN bytes at OFFSET of the file (a JSON document embedded
#                      verbatim in a WebAssembly binary's data section)
#
# Tests never run this script; it documents, and lets anyone re-check, where
# every byte under schemas/contexts came from. Exit status 0 = all match.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(mktemp -d)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

node - "$here" "$work" "$out" <<'NODE'
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const {execFileSync} = require('child_process');

const [here, work, out] = process.argv.slice(2);
const index = JSON.parse(fs.readFileSync(path.join(here, 'index.json'), 'utf8'));
const sha256 = b => crypto.createHash('sha256').update(b).digest('hex');

const unpacked = new Map(); // "name@version" -> directory
function unpack(name, version) {
  const spec = `${name}@${version}`;
  if (unpacked.has(spec)) return unpacked.get(spec);
  const dir = path.join(work, spec.replace(/[@/]/g, '_'));
  fs.mkdirSync(dir, {recursive: true});
  const tgz = execFileSync('npm', ['pack', spec, '--silent'], {cwd: dir, encoding: 'utf8'})
    .trim().split('\n').pop();
  execFileSync('tar', ['xzf', tgz], {cwd: dir});
  unpacked.set(spec, dir);
  return dir;
}

function extract(file, rule) {
  if (rule === 'copy') return fs.readFileSync(file);
  if (rule === 'literal') {
    const s = fs.readFileSync(file, 'utf8');
    const marker = 'module.exports = ';
    let body = s.slice(s.indexOf(marker) + marker.length).trimEnd();
    if (body.endsWith(';')) body = body.slice(0, -1);
    JSON.parse(body); // must already be JSON
    return Buffer.from(body, 'utf8');
  }
  if (rule === 'stringify') return Buffer.from(JSON.stringify(require(file), null, 2), 'utf8');
  const m = /^bytes:(\d+):(\d+)$/.exec(rule);
  if (m) {
    const b = fs.readFileSync(file).subarray(Number(m[1]), Number(m[1]) + Number(m[2]));
    JSON.parse(b.toString('utf8'));
    return b;
  }
  throw new Error(`unknown extract rule ${rule}`);
}

let bad = 0;
const done = new Set();
for (const e of index) {
  if (done.has(e.file)) continue;
  done.add(e.file);
  const dir = unpack(e.package, e.version);
  const data = extract(path.join(dir, e.path), e.extract);
  fs.writeFileSync(path.join(out, e.file), data);
  const got = sha256(data);
  let status = got === e.sha256 ? 'ok' : `SHA256 MISMATCH (index.json says ${e.sha256 || 'nothing'})`;
  const embedded = path.join(here, e.file);
  if (fs.existsSync(embedded) && !fs.readFileSync(embedded).equals(data)) {
    status += ' (differs from embedded copy)';
  }
  if (status !== 'ok') bad++;
  console.log(`${got}  ${e.file}  ${e.package}@${e.version}  ${status}`);
}
if (bad) {
  console.error(`${bad} file(s) did not match`);
  process.exit(1);
}
console.log(`all ${done.size} files match; written to ${out}`);
NODE
