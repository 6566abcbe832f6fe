// The compilation pipeline as the CLI drives it: load and check the source,
// lower it to the checked IR, verify it. This is the only layer that chooses
// solvers and reads files (through a SourceHost); the stages below are pure.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkFile } from '../frontend/index.js';
import type { Diagnostic } from '../frontend/diagnostics.js';
import { hasErrors } from '../frontend/diagnostics.js';
import type { IrProgram } from '../frontend/ir.js';
import { lowerProgram } from '../frontend/lower.js';
import { instrumentOwnership } from '../ownership/index.js';
import { instrumentTypestate } from '../typestate/index.js';
import type { SourceHost } from '../frontend/modules.js';
import type { SourceFile } from '../frontend/span.js';
import type { CheckedProgram } from '../frontend/types.js';
import type { VerifyReport } from '../verifier/verify.js';
import { verifyProgram } from '../verifier/verify.js';
import { confirmReport } from '../counterexamples/confirm.js';
import type { SolverBackend, SolverName } from '../verifier/solver/types.js';
import { createSolver } from '../verifier/solver/index.js';
import { CachingSolver, type CacheStore } from '../verifier/solver/cache.js';

export const fsHost: SourceHost = {
  readFile(p: string): string | null {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  },
};

export interface Compiled {
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly program: CheckedProgram | null;
  readonly ir: IrProgram | null;
  readonly diagnostics: readonly Diagnostic[];
}

export function compile(file: string, host: SourceHost = fsHost): Compiled {
  const { files, program, diagnostics } = checkFile(file, host);
  if (hasErrors(diagnostics) || !program) return { files, program, ir: null, diagnostics };
  return { files, program, ir: instrumentOwnership(instrumentTypestate(lowerProgram(program), program), program), diagnostics };
}

export interface VerifySettings extends SolverSettings {
  readonly timeoutMs: number;
  readonly emitSmtDir?: string;
  readonly onProgress?: (done: number, total: number, cell: string) => void;
}

export interface SolverSettings {
  readonly solver: SolverName;
  /** Parallel solvers (`--jobs`); default: the number of cores. */
  readonly jobs?: number;
  /** Cache directory, or null for `--no-cache`. */
  readonly cacheDir?: string | null;
}

/** The solvers of this process, started lazily on the first query that misses the cache. */
let shared: { key: string; pool: SolverBackend[]; caches: CachingSolver[] } | null = null;

export function solverPool(settings: SolverSettings): SolverBackend[] {
  const jobs = Math.max(1, settings.jobs ?? os.availableParallelism());
  const cacheDir = settings.cacheDir === undefined ? DEFAULT_CACHE_DIR : settings.cacheDir;
  const key = `${settings.solver}|${jobs}|${cacheDir ?? ''}`;
  if (shared && shared.key === key) return shared.pool;
  if (shared) void closeSolver();
  const identity = solverIdentity(settings.solver);
  const store = cacheDir ? fsCacheStore(cacheDir) : null;
  const caches: CachingSolver[] = [];
  const pool: SolverBackend[] = [];
  for (let i = 0; i < jobs; i++) {
    const backend = createSolver(settings.solver);
    if (store) {
      const c = new CachingSolver(backend, identity, store, (m) => process.stderr.write(`warning: ${m}\n`));
      caches.push(c);
      pool.push(c);
    } else pool.push(backend);
  }
  shared = { key, pool, caches };
  return pool;
}

export function solverFor(name: SolverName): SolverBackend {
  return solverPool({ solver: name, jobs: shared ? shared.pool.length : 1 })[0]!;
}

export async function closeSolver(): Promise<void> {
  if (shared) await Promise.all(shared.pool.map((s) => s.close()));
  shared = null;
}

export const DEFAULT_CACHE_DIR = '.lumen-cache';

let identities = new Map<SolverName, string>();

/** Name and version of a solver, without starting it (part of every cache key and of reports). */
export function solverIdentity(name: SolverName): string {
  const known = identities.get(name);
  if (known) return known;
  let id: string;
  if (name === 'wasm') {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(fs.readFileSync(require.resolve('z3-solver/package.json'), 'utf8')) as { version: string };
    id = `z3-solver@${pkg.version} (wasm)`;
  } else {
    try {
      id = execFileSync(name, ['--version'], { encoding: 'utf8', timeout: 5000 }).split('\n')[0]!.trim();
    } catch {
      id = `${name} (version unknown)`;
    }
  }
  identities = new Map(identities).set(name, id);
  return id;
}

/** Cache entries as files `DIR/ab/abcdef….json`, written atomically. */
export function fsCacheStore(dir: string): CacheStore {
  return {
    get(key) {
      try {
        return fs.readFileSync(path.join(dir, key.slice(0, 2), `${key}.json`), 'utf8');
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        const sub = path.join(dir, key.slice(0, 2));
        fs.mkdirSync(sub, { recursive: true });
        const tmp = path.join(sub, `.${key}.${process.pid}.tmp`);
        fs.writeFileSync(tmp, value);
        fs.renameSync(tmp, path.join(sub, `${key}.json`));
      } catch {
        // A read-only or full disk only costs the cache.
      }
    },
  };
}

/** Hits and misses of the caches of this process. */
export function cacheStats(): { hits: number; misses: number; corrupt: number } {
  const total = { hits: 0, misses: 0, corrupt: 0 };
  for (const c of shared?.caches ?? []) {
    total.hits += c.stats.hits;
    total.misses += c.stats.misses;
    total.corrupt += c.stats.corrupt;
  }
  return total;
}

export async function verifyCompiled(ir: IrProgram, settings: VerifySettings): Promise<VerifyReport> {
  const pool = solverPool(settings);
  const solver = pool[0]!;
  const emitDir = settings.emitSmtDir;
  if (emitDir) fs.mkdirSync(emitDir, { recursive: true });
  const report = await verifyProgram(ir, {
    solver,
    solvers: pool,
    timeoutMs: settings.timeoutMs,
    ...(emitDir
      ? { emitSmt: (name: string, script: string) => fs.writeFileSync(path.join(emitDir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.smt2`), script) }
      : {}),
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
  });
  return confirmReport(ir, report);
}
