// The default back-end: Z3 compiled to WASM (the `z3-solver` package), run
// in a worker thread. Z3's own timeout does not reliably stop it (a hard
// nonlinear goal has run for 15+ minutes under a 20 s limit), so the deadline
// is enforced from outside: at the deadline the worker is terminated, which
// also stops Z3's own threads, and the next request starts a fresh worker.
//
// Nothing is loaded at import time: the worker, and with it the 0.2–0.3 s
// WASM initialisation, start with the first request. The worker is unref'd
// while idle, so a forgotten close() never keeps node running.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Z3_DIALECT } from './dialects.js';
import { Session, type Channel, type EvalOutcome } from './session.js';
import type { BackendOptions, QueryResult, RunOptions, ScriptResult, SolverBackend, SolverQuery } from './types.js';
import { WASM_WORKER_SOURCE } from './wasm-worker-source.js';

type WorkerReply = { id: number; ok: true; output: string } | { id: number; ok: false; message: string };

interface Pending {
  readonly id: number;
  readonly resolve: (out: EvalOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

/** Where `z3-solver` lives, resolved from this module so the current directory does not matter. */
function z3SolverEntry(): string {
  return createRequire(import.meta.url).resolve('z3-solver');
}

export class WasmChannel implements Channel {
  private worker: Worker | null = null;
  private pending: Pending | null = null;
  private nextId = 1;
  private closed = false;
  generation = 0;

  eval(text: string, deadlineMs: number): Promise<EvalOutcome> {
    return this.request({ op: 'eval', text }, deadlineMs);
  }

  reset(deadlineMs: number): Promise<EvalOutcome> {
    return this.request({ op: 'reset' }, deadlineMs);
  }

  restart(): Promise<void> {
    return this.kill({ kind: 'crashed', message: 'solver restarted' });
  }

  async version(): Promise<string> {
    const out = await this.request({ op: 'version' }, 60_000);
    if (out.kind !== 'ok') throw new Error(`z3-solver did not start: ${out.kind === 'crashed' ? out.message : 'timed out'}`);
    let pkg = '?';
    try {
      pkg = (JSON.parse(readFileSync(join(dirname(z3SolverEntry()), '..', 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // The version of the package is only decoration.
    }
    return `${out.output} (z3-solver ${pkg}, wasm)`;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.kill({ kind: 'crashed', message: 'solver closed' });
  }

  private request(msg: { op: 'eval'; text: string } | { op: 'reset' } | { op: 'version' }, deadlineMs: number): Promise<EvalOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'crashed', message: 'solver closed' });
    if (this.pending !== null) throw new Error('WasmChannel: overlapping requests (the Session must serialise them)');
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<EvalOutcome>((resolve) => {
      const timer = setTimeout(() => {
        void this.kill({ kind: 'timeout' });
      }, deadlineMs);
      this.pending = { id, resolve, timer };
      worker.ref();
      worker.postMessage({ id, ...msg });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(WASM_WORKER_SOURCE, { eval: true, workerData: { z3Path: z3SolverEntry() } });
    this.generation++;
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending;
      if (p === null || p.id !== reply.id) return;
      this.settle(reply.ok ? { kind: 'ok', output: reply.output } : { kind: 'crashed', message: reply.message });
    });
    worker.on('error', (err) => {
      if (this.worker === worker) void this.kill({ kind: 'crashed', message: `worker error: ${err.message}` });
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) {
        this.worker = null;
        this.generation++;
        this.settle({ kind: 'crashed', message: `worker exited with code ${code}` });
      }
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(out: EvalOutcome): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    clearTimeout(p.timer);
    this.worker?.unref();
    p.resolve(out);
  }

  /** Terminates the worker (and Z3's threads inside it); the pending request gets `out`. */
  private async kill(out: EvalOutcome): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) this.generation++;
    this.settle(out);
    if (worker !== null) await worker.terminate();
  }
}

export class WasmBackend implements SolverBackend {
  readonly name = 'wasm' as const;
  private readonly channel = new WasmChannel();
  private readonly session: Session;

  constructor(options: BackendOptions = {}) {
    this.session = new Session(this.channel, Z3_DIALECT, options);
  }

  version(): Promise<string> {
    return this.session.version();
  }

  run(prelude: string, queries: readonly SolverQuery[], opts: RunOptions): Promise<QueryResult[]> {
    return this.session.run(prelude, queries, opts);
  }

  runScript(script: string, timeoutMs: number): Promise<ScriptResult> {
    return this.session.runScript(script, timeoutMs);
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}
