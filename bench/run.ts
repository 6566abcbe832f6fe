// `npm run bench`: performance figures, printed as tables with ratios.
// Speed targets live here, never in timed unit tests.
//
// Sections:
//   frontend  — parse + type check of a generated ~50,000-line program (target ≥ 250,000 lines/s)
//   verify    — the whole proofs-tests corpus: wall time, solver share, checks/s (target: outside-solver ≤ 10%)
//   cache     — cold vs warm (cached) verification, 1 vs N jobs
//   vm        — the VM suite: five programs on the VM against hand-written JS, with QuickJS
//               (WASM) and fengari (Lua in JS) as peers (target: geometric mean ≤ 8× JS)
//   wasm      — the WASM backend with and without elision against hand-written JS and the VM
// Run one section with `npm run bench -- frontend` (or verify, cache, vm, wasm).

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchFrontend } from './frontend.js';
import { benchVerify } from './verify.js';
import { benchCache } from './cache.js';
import { benchVm } from './vm.js';
import { benchWasm } from './wasm.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const want = (s: string): boolean => only.length === 0 || only.includes(s);
  if (want('frontend')) await benchFrontend();
  if (want('verify')) await benchVerify(repoRoot);
  if (want('cache')) await benchCache(repoRoot);
  if (want('vm')) await benchVm();
  if (want('wasm')) await benchWasm();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
