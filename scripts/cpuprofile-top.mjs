#!/usr/bin/env node
/**
 * Prints the top entries of a V8 CPU profile (`node --cpu-prof` writes *.cpuprofile): self time
 * per function (name, file:line), as a share of the sampled time, idle and GC shown apart.
 *
 *   node scripts/cpuprofile-top.mjs PROFILE.cpuprofile [N=25] [--match TEXT]
 *
 * `--match TEXT` also prints the total (self + callees) share of functions whose name or file
 * contains TEXT, to see how much time a layer costs with what it calls.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args[0];
if (file === undefined) {
  console.error('usage: node scripts/cpuprofile-top.mjs PROFILE.cpuprofile [N] [--match TEXT]');
  process.exit(2);
}
const matchIndex = args.indexOf('--match');
const match = matchIndex >= 0 ? args[matchIndex + 1] : undefined;
const top = Number(args.find((a, i) => i > 0 && /^\d+$/.test(a) && args[i - 1] !== '--match') ?? 25);

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Each sample's duration is the gap to the next sample.
const selfTime = new Map();
const deltas = profile.timeDeltas;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = deltas[i + 1] ?? 0;
  selfTime.set(profile.samples[i], (selfTime.get(profile.samples[i]) ?? 0) + dt);
  total += dt;
}

const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

const rows = new Map();
for (const [id, t] of selfTime) {
  const key = label(byId.get(id));
  rows.set(key, (rows.get(key) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
for (const [key, t] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${key}`);

if (match !== undefined) {
  // Total time: a sample counts once for each distinct matching function on its stack.
  const totals = new Map();
  for (const [id, t] of selfTime) {
    const seen = new Set();
    for (let node = id; node !== undefined; node = parent.get(node)) {
      const key = label(byId.get(node));
      if (!key.includes(match) || seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + t);
    }
  }
  console.log(`\ntotal (self + callees) of functions matching "${match}":`);
  for (const [key, t] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${key}`);
}
