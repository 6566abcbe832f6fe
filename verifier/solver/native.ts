// Native solver back-ends: `z3 -in -smt2` and `cvc5 --lang smt2 --incremental`
// as child processes speaking SMT-LIB over stdin/stdout. Each batch of
// commands is followed by `(echo "<marker>")`; everything the solver prints
// before the marker is its answer to the batch. Z3 prints the echoed text
// bare and cvc5 in quotes, so the marker is found as a substring and the whole
// line holding it is dropped. At the deadline the process is killed and the
// next request starts a new one. cvc5 exits on the first error; that shows
// up as a crash, which the Session retries once like any solver error.

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CVC5_DIALECT, Z3_DIALECT } from './dialects.js';
import { Session, type Channel, type Dialect, type EvalOutcome } from './session.js';
import type { BackendOptions, QueryResult, RunOptions, ScriptResult, SolverBackend, SolverQuery } from './types.js';

export type NativeSolverName = 'z3' | 'cvc5';

const COMMANDS: Record<NativeSolverName, { readonly args: readonly string[]; readonly dialect: Dialect }> = {
  z3: { args: ['-in', '-smt2'], dialect: Z3_DIALECT },
  cvc5: { args: ['--lang', 'smt2', '--incremental', '--produce-models'], dialect: CVC5_DIALECT },
};

const availability = new Map<string, string | null>();

/** The absolute path of the solver executable on PATH, or null. Cached per PATH value. */
export function findExecutable(name: NativeSolverName): string | null {
  const path = process.env['PATH'] ?? '';
  const key = `${name}\0${path}`;
  if (availability.has(key)) return availability.get(key)!;
  let found: string | null = null;
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  outer: for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        found = candidate;
        break outer;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  availability.set(key, found);
  return found;
}

export function nativeAvailable(name: NativeSolverName): boolean {
  return findExecutable(name) !== null;
}

interface Pending {
  readonly marker: string;
  readonly resolve: (out: EvalOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

export class NativeChannel implements Channel {
  private proc: ChildProcessWithoutNullStreams | null = null;
  /** Solver output not yet handed out as an answer. */
  private buffer = '';
  private stderrTail = '';
  private pending: Pending | null = null;
  private nextId = 1;
  private closed = false;
  generation = 0;

  constructor(
    private readonly executable: string,
    private readonly args: readonly string[],
  ) {}

  eval(text: string, deadlineMs: number): Promise<EvalOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'crashed', message: 'solver closed' });
    if (this.pending !== null) throw new Error('NativeChannel: overlapping requests (the Session must serialise them)');
    const proc = this.ensureProcess();
    const marker = `@@lumen-done-${this.nextId++}`;
    return new Promise<EvalOutcome>((resolve) => {
      const timer = setTimeout(() => this.kill({ kind: 'timeout' }), deadlineMs);
      this.pending = { marker, resolve, timer };
      this.setRef(proc, true);
      proc.stdin.write(`${text}\n(echo "${marker}")\n`);
      // The marker may already be buffered if the process answered instantly.
      this.scan();
    });
  }

  reset(deadlineMs: number): Promise<EvalOutcome> {
    return this.eval('(reset)', deadlineMs);
  }

  async restart(): Promise<void> {
    this.kill({ kind: 'crashed', message: 'solver restarted' });
  }

  async version(): Promise<string> {
    const r = spawnSync(this.executable, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (r.error !== undefined) throw new Error(`${this.executable} --version failed: ${r.error.message}`);
    return (r.stdout.split('\n')[0] ?? '').trim();
  }

  async close(): Promise<void> {
    this.closed = true;
    const proc = this.proc;
    if (proc === null) return;
    this.settle({ kind: 'crashed', message: 'solver closed' });
    this.proc = null;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.stdin.end('(exit)\n');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 1000);
    await exited;
    clearTimeout(timer);
  }

  private ensureProcess(): ChildProcessWithoutNullStreams {
    if (this.proc !== null) return this.proc;
    const proc = spawn(this.executable, [...this.args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    this.generation++;
    this.buffer = '';
    this.stderrTail = '';
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      if (this.proc !== proc) return;
      this.buffer += chunk;
      this.scan();
    });
    proc.stderr.on('data', (chunk: string) => {
      if (this.proc === proc) this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    // Writing to a solver that just died raises EPIPE here; the exit handler reports it.
    proc.stdin.on('error', () => undefined);
    proc.on('error', (err) => {
      if (this.proc === proc) this.lost(`could not run ${this.executable}: ${err.message}`);
    });
    proc.on('exit', (code, signal) => {
      if (this.proc === proc) {
        const said = lastErrorLine(this.buffer) ?? this.stderrTail.trim().split('\n').pop() ?? '';
        this.lost(`${this.executable} exited (${signal ?? `code ${code}`})${said === '' ? '' : `: ${said}`}`);
      }
    });
    this.setRef(proc, false);
    return proc;
  }

  /** Hands out the answer once the pending request's marker has arrived. */
  private scan(): void {
    const p = this.pending;
    if (p === null) return;
    const at = this.buffer.indexOf(p.marker);
    if (at < 0) return;
    const lineStart = this.buffer.lastIndexOf('\n', at) + 1;
    const lineEnd = this.buffer.indexOf('\n', at);
    const output = this.buffer.slice(0, lineStart);
    this.buffer = lineEnd < 0 ? '' : this.buffer.slice(lineEnd + 1);
    this.settle({ kind: 'ok', output });
  }

  private settle(out: EvalOutcome): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    clearTimeout(p.timer);
    if (this.proc !== null) this.setRef(this.proc, false);
    p.resolve(out);
  }

  private lost(message: string): void {
    this.proc = null;
    this.generation++;
    this.settle({ kind: 'crashed', message });
  }

  private kill(out: EvalOutcome): void {
    const proc = this.proc;
    this.proc = null;
    if (proc !== null) {
      this.generation++;
      proc.kill('SIGKILL');
    }
    this.settle(out);
  }

  /** An idle solver must not keep node alive; a busy one must. */
  private setRef(proc: ChildProcessWithoutNullStreams, on: boolean): void {
    for (const handle of [proc, proc.stdin, proc.stdout, proc.stderr] as { ref?: () => void; unref?: () => void }[]) {
      if (on) handle.ref?.();
      else handle.unref?.();
    }
  }
}

function lastErrorLine(output: string): string | undefined {
  const at = output.lastIndexOf('(error');
  return at < 0 ? undefined : output.slice(at).split('\n')[0];
}

export class NativeBackend implements SolverBackend {
  private readonly channel: NativeChannel;
  private readonly session: Session;

  constructor(
    readonly name: NativeSolverName,
    options: BackendOptions = {},
  ) {
    const executable = findExecutable(name);
    if (executable === null) {
      throw new Error(
        `The native solver '${name}' was not found on PATH. Install it (e.g. 'apt-get install ${name}') or use the built-in WASM solver (--solver wasm).`,
      );
    }
    const { args, dialect } = COMMANDS[name];
    this.channel = new NativeChannel(executable, args);
    this.session = new Session(this.channel, dialect, options);
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
