// `lumen build FILE --target vm|wasm -o OUT`: verify, refuse a program with a
// refuted check, then write the artifact (bytecode as JSON, or a `.wasm`
// module) with every proved check elided, and a ledger `OUT.ledger.json`
// that lists every check with its verdict and whether it was elided.
//
// Also `runWasm`, for `lumen run --target wasm`: compile the checked IR to
// WebAssembly and run `main`, with results shaped like the VM's.
//
// Like the rest of cli/, this is where files are written; the backends below
// are pure. The WebAssembly backend is imported only when used: loading
// binaryen takes about half a second, which no other command should pay.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { compileProgram } from '../backend/index.js';
import type { BytecodeProgram } from '../backend/bytecode.js';
import type { WasmRunOptions, WasmUnsupported } from '../backend/wasm/index.js';
import { hasErrors, sortDiagnostics } from '../frontend/diagnostics.js';
import type { CheckKind, IrProgram } from '../frontend/ir.js';
import { renderPlain } from '../frontend/render.js';
import { lineColOf, type SourceFile, type Span } from '../frontend/span.js';
import type { Type } from '../frontend/types.js';
import { renderResults } from '../reports/text.js';
import type { SolverName } from '../verifier/solver/types.js';
import type { CheckResult } from '../verifier/verify.js';
import type { Value } from '../vm/value.js';
import { compile, DEFAULT_CACHE_DIR, solverIdentity, verifyCompiled } from './pipeline.js';
import { STATIC_CHECK_KINDS } from '../counterexamples/confirm.js';

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

// ---------------------------------------------------------------- running on WASM

/** The outcome of `runWasm`: the VM's result kinds (without values and stacks), plus `unsupported`. */
export type WasmRunOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'check-failed'; readonly check: number; readonly checkKind: CheckKind; readonly span: Span | null; readonly message: string }
  | { readonly kind: 'halt'; readonly check: number; readonly message: string; readonly span: Span | null }
  | { readonly kind: 'effect-unhandled'; readonly effect: string; readonly op: string }
  | { readonly kind: 'depth-exceeded' }
  | { readonly kind: 'error'; readonly message: string }
  /** The program uses a construct the WebAssembly backend does not compile yet; nothing ran. */
  | { readonly kind: 'unsupported'; readonly error: WasmUnsupported };

function wasmBackend(): Promise<typeof import('../backend/wasm/index.js')> {
  return import('../backend/wasm/index.js');
}

/** Compiles `ir` to WebAssembly with the proved checks elided and runs `main`. */
export async function runWasm(ir: IrProgram, proved: ReadonlySet<number>, opts: WasmRunOptions = {}): Promise<WasmRunOutcome> {
  const { compileWasm, loadWasm, runWasmModule } = await wasmBackend();
  const compiled = compileWasm(ir, { proved });
  if (!compiled.ok) return { kind: 'unsupported', error: compiled.error };
  const r = runWasmModule(loadWasm(compiled.module), opts);
  switch (r.kind) {
    case 'ok':
      return { kind: 'ok' };
    case 'check-failed': {
      const info = ir.checks[r.check];
      return { kind: 'check-failed', check: r.check, checkKind: info?.kind ?? 'assertion', span: info?.span ?? null, message: info?.failure ?? `check ${r.check} failed` };
    }
    case 'halt':
      return { kind: 'halt', check: r.check, message: r.message, span: ir.checks[r.check]?.span ?? null };
    default:
      return r;
  }
}

/** The message `lumen run --target wasm` prints for an outcome, or null for `ok` (same style as the VM's). */
export function describeWasmOutcome(r: WasmRunOutcome, files: ReadonlyMap<string, SourceFile>): string | null {
  const where = (span: Span | null): string => (span ? `${locate(span, files).text}: ` : '');
  switch (r.kind) {
    case 'ok':
      return null;
    case 'check-failed':
      return `${where(r.span)}runtime error[${r.checkKind}]: ${r.message}`;
    case 'halt':
      return `${where(r.span)}runtime error[halt]: halt: ${r.message}`;
    case 'effect-unhandled':
      return `runtime error: effect \`${r.effect}.${r.op}\` is not handled`;
    case 'depth-exceeded':
      return 'runtime error: call depth limit exceeded';
    case 'error':
      return `runtime error: ${r.message}`;
    case 'unsupported':
      return unsupportedMessage(r.error, files);
  }
}

export function unsupportedMessage(u: WasmUnsupported, files: ReadonlyMap<string, SourceFile>): string {
  return `${u.span ? `${locate(u.span, files).text}: ` : ''}error[wasm-unsupported]: ${u.message}`;
}

function locate(span: Span, files: ReadonlyMap<string, SourceFile>): { line: number; column: number; text: string } {
  const f = files.get(span.file);
  const p = f ? lineColOf(f, span.start) : { line: 0, column: 0 };
  return { line: p.line, column: p.column, text: `${span.file}:${p.line}:${p.column}` };
}

// ---------------------------------------------------------------- the ledger

export interface LedgerEntry {
  readonly id: number;
  readonly kind: CheckKind;
  readonly cell: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly expr: string;
  /** `unverified`: the check is in a cell `verify` does not report on (an imported module); it stays a run-time check. */
  readonly verdict: 'proved' | 'unknown' | 'refuted' | 'unverified';
  readonly reason?: string;
  readonly solver: string;
  /** sha256 of the SMT-LIB text that decided the check, or (see `queryHashSource`) of `key + verdict`. */
  readonly queryHash: string;
  readonly queryHashSource: 'smt-query' | 'check-key-and-verdict';
  /** The run-time check was left out of the artifact. */
  readonly elided: boolean;
}

export interface Ledger {
  readonly format: 'lumen-ledger/1';
  readonly source: string;
  readonly target: 'vm' | 'wasm';
  readonly artifact: string;
  readonly artifactSha256: string;
  readonly solver: string;
  readonly summary: { readonly checks: number; readonly proved: number; readonly unknown: number; readonly unverified: number; readonly elided: number };
  readonly checks: readonly LedgerEntry[];
}

export function buildLedger(
  ir: IrProgram,
  results: readonly CheckResult[],
  files: ReadonlyMap<string, SourceFile>,
  info: { source: string; target: 'vm' | 'wasm'; artifact: string; artifactBytes: Uint8Array; solver: string; elided: ReadonlySet<number> },
): Ledger {
  const byId = new Map<number, CheckResult>();
  for (const r of results) byId.set(r.check.id, r);
  const checks: LedgerEntry[] = ir.checks.map((c) => {
    const r = byId.get(c.id);
    const verdict = r ? r.verdict.kind : 'unverified';
    const pos = locate(c.span, files);
    const fromSmt = r !== undefined && r.queryHash !== '';
    const entry: LedgerEntry = {
      id: c.id,
      kind: c.kind,
      cell: c.cell,
      file: c.span.file,
      line: pos.line,
      column: pos.column,
      expr: c.expr,
      verdict,
      ...(r && r.verdict.kind === 'unknown' ? { reason: r.verdict.reason } : {}),
      solver: r ? info.solver : 'none',
      queryHash: fromSmt ? r.queryHash : sha256(`${c.key}\n${verdict}`),
      queryHashSource: fromSmt ? 'smt-query' : 'check-key-and-verdict',
      elided: info.elided.has(c.id),
    };
    return entry;
  });
  return {
    format: 'lumen-ledger/1',
    source: info.source,
    target: info.target,
    artifact: info.artifact,
    artifactSha256: sha256(info.artifactBytes),
    solver: info.solver,
    summary: {
      checks: checks.length,
      proved: checks.filter((c) => c.verdict === 'proved').length,
      unknown: checks.filter((c) => c.verdict === 'unknown').length,
      unverified: checks.filter((c) => c.verdict === 'unverified').length,
      elided: checks.filter((c) => c.elided).length,
    },
    checks,
  };
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------- bytecode as JSON

/**
 * The bytecode program as JSON (`lumen-bytecode/1`, documented in
 * docs/wasm.md): code as arrays of int32 words, constants with Ints beyond
 * 2^53 and special Floats tagged, types as plain trees whose records and enums
 * refer to the `decls` table by qualified name.
 */
export function serializeBytecode(prog: BytecodeProgram): unknown {
  const decls = new Map<string, unknown>();
  const type = (t: Type): unknown => {
    switch (t.kind) {
      case 'List':
        return { kind: 'List', elem: type(t.elem) };
      case 'Map':
        return { kind: 'Map', key: type(t.key), value: type(t.value) };
      case 'Tuple':
        return { kind: 'Tuple', elems: t.elems.map(type) };
      case 'Result':
        return { kind: 'Result', ok: type(t.ok), err: type(t.err) };
      case 'Union':
        return { kind: 'Union', members: t.members.map(type) };
      case 'TypeParam':
        return { kind: 'TypeParam', name: t.name };
      case 'Record': {
        const name = t.info.qualifiedName;
        if (!decls.has(name)) {
          decls.set(name, null);
          decls.set(name, {
            kind: 'record',
            typeParams: t.info.typeParams,
            linear: t.info.linear,
            fields: t.info.fields.map((f) => ({ name: f.name, type: type(f.type.type) })),
          });
        }
        return { kind: 'Record', name, args: t.args.map(type) };
      }
      case 'Enum': {
        const name = t.info.qualifiedName;
        if (!decls.has(name)) {
          decls.set(name, null);
          decls.set(name, {
            kind: 'enum',
            typeParams: t.info.typeParams,
            variants: t.info.variants.map((v) => ({ name: v.name, fields: v.fields.map((f) => ({ name: f.name, type: type(f.type.type) })) })),
          });
        }
        return { kind: 'Enum', name, args: t.args.map(type) };
      }
      default:
        return { kind: t.kind };
    }
  };
  const value = (v: Value): unknown => {
    if (typeof v === 'bigint') return { int: v.toString() };
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { float: Object.is(v, -0) ? '-0' : String(v) };
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return { list: v.map(value) };
    return { struct: v.d.kind, name: 'name' in v.d ? v.d.name : null, tag: v.tag, fields: v.f.map(value) };
  };
  const span = (s: Span): unknown => ({ file: s.file, start: s.start, end: s.end });
  const chunks = prog.chunks.map((c) => ({
    name: c.name,
    span: span(c.span),
    code: Array.from(c.code),
    constants: c.constants.map(value),
    spanOffsets: Array.from(c.spanOffsets),
    spanValues: c.spanValues.map(span),
    registerCount: c.registerCount,
    callEntry: c.callEntry,
    paramCount: c.paramCount,
    paramTypes: c.paramTypes.map(type),
    ret: type(c.ret),
    sites: c.sites.map((s) => ({ check: s.check, values: s.values.map((x) => ({ name: x.name, reg: x.reg, type: type(x.type), ...(x.literal !== undefined ? { literal: x.literal } : {}) })) })),
    handles: c.handles,
    ownerRegs: Array.from(c.ownerRegs),
    extern: c.extern,
  }));
  const types = prog.types.map(type);
  return {
    format: 'lumen-bytecode/1',
    cells: [...prog.cellIndex.entries()].map(([name, index]) => ({ name, index })),
    chunks,
    types,
    decls: Object.fromEntries(decls),
    descs: prog.descs,
    effects: prog.effects,
    effectOps: prog.effectOps,
    checks: prog.checks.map((c) => ({ ...c, span: span(c.span), related: c.related.map((r) => ({ span: span(r.span), message: r.message })) })),
    proved: [...prog.proved].sort((a, b) => a - b),
  };
}

// ---------------------------------------------------------------- the command

export interface BuildOptions {
  readonly target: 'vm' | 'wasm';
  readonly output: string;
  readonly timeout: string;
  readonly solver: SolverName;
  readonly jobs?: string;
  readonly cacheDir: string;
  readonly cache: boolean;
  /** Build even when an ownership check (static only) is unknown. */
  readonly allowUnknown?: boolean;
}

/** `lumen build`. Returns the exit code; writes diagnostics to stderr. */
export async function cmdBuild(file: string, opts: BuildOptions): Promise<number> {
  const err = (s: string): void => void process.stderr.write(s.endsWith('\n') ? s : s + '\n');
  if (!fs.existsSync(file)) {
    err(`error: cannot read \`${file}\`: no such file`);
    return EXIT_USAGE;
  }
  const timeoutMs = Number(opts.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    err('error: --timeout must be a positive number of milliseconds');
    return EXIT_USAGE;
  }
  const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
    err('error: --jobs must be a positive integer');
    return EXIT_USAGE;
  }
  const c = compile(file);
  const plain = !process.stderr.isTTY;
  if (c.diagnostics.length > 0) err(sortDiagnostics(c.diagnostics).map((d) => renderPlain(d, c.files)).join('\n'));
  if (!c.ir || hasErrors(c.diagnostics)) return EXIT_FAIL;
  const ir = c.ir;

  const report = await verifyCompiled(ir, { solver: opts.solver, timeoutMs, ...(jobs !== undefined ? { jobs } : {}), cacheDir: opts.cache ? opts.cacheDir : null });
  const refuted = report.results.filter((r) => r.verdict.kind === 'refuted');
  if (refuted.length > 0) {
    err(renderResults(refuted, c.files, { color: false, verbose: false, plain }).trimEnd());
    const names = refuted.map((r) => `${r.check.kind} (check #${r.check.id}) at ${locate(r.check.span, c.files).text}`);
    err(`error: refusing to build: ${refuted.length} check(s) refuted: ${names.join('; ')}`);
    return EXIT_FAIL;
  }
  // Ownership checks are static only (no run-time check exists for them): an
  // unknown one would leave the artifact unprotected, unless the user accepts it.
  const staticUnknown = report.results.filter((r) => r.verdict.kind === 'unknown' && STATIC_CHECK_KINDS.has(r.check.kind));
  if (staticUnknown.length > 0 && !opts.allowUnknown) {
    err(renderResults(staticUnknown, c.files, { color: false, verbose: false, plain }).trimEnd());
    err(`error: refusing to build: ${staticUnknown.length} ownership check(s) are unknown and cannot be checked at run time (use --allow-unknown to build anyway)`);
    return EXIT_FAIL;
  }
  const proved = new Set<number>();
  for (const r of report.results) if (r.verdict.kind === 'proved') proved.add(r.check.id);

  let bytes: Uint8Array;
  if (opts.target === 'wasm') {
    const { compileWasm } = await wasmBackend();
    const compiled = compileWasm(ir, { proved });
    if (!compiled.ok) {
      err(unsupportedMessage(compiled.error, c.files));
      return EXIT_FAIL;
    }
    bytes = compiled.module.binary;
  } else {
    const prog = compileProgram(ir, { proved });
    bytes = new TextEncoder().encode(JSON.stringify(serializeBytecode(prog)) + '\n');
  }
  const ledger = buildLedger(ir, report.results, c.files, {
    source: file,
    target: opts.target,
    artifact: opts.output,
    artifactBytes: bytes,
    solver: solverIdentity(opts.solver),
    elided: proved,
  });
  try {
    fs.writeFileSync(opts.output, bytes);
    fs.writeFileSync(`${opts.output}.ledger.json`, JSON.stringify(ledger, null, 2) + '\n');
  } catch (e) {
    err(`error: cannot write \`${opts.output}\`: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_USAGE;
  }
  const s = ledger.summary;
  err(`built ${opts.output} (${opts.target}, ${bytes.length} bytes): ${s.checks} checks, ${s.proved} proved and elided, ${s.unknown + s.unverified} kept as run-time checks; ledger ${opts.output}.ledger.json`);
  return EXIT_OK;
}

/**
 * Adds `lumen build` to the command. `onResult` receives the exit code of a
 * run (cli/index.ts: `registerBuild(program, (r) => { result = r; })`).
 */
export function registerBuild(program: Command, onResult?: (exit: Promise<number>) => void): void {
  program
    .command('build')
    .description('verify, then emit bytecode or a WebAssembly module with proved checks elided, and a ledger of every check')
    .argument('<file>')
    .addOption(new Option('--target <target>', 'what to emit').choices(['vm', 'wasm']).makeOptionMandatory())
    .requiredOption('-o, --output <file>', 'the artifact to write (the ledger goes to <file>.ledger.json)')
    .option('--timeout <ms>', 'time limit per check, in milliseconds', '4000')
    .addOption(new Option('--solver <solver>', 'SMT solver').choices(['wasm', 'z3', 'cvc5']).default('wasm'))
    .option('-j, --jobs <n>', 'solvers working in parallel (default: the number of cores)')
    .option('--cache-dir <dir>', 'verification cache directory', DEFAULT_CACHE_DIR)
    .option('--no-cache', 'do not read or write the verification cache')
    .option('--allow-unknown', 'build even when an ownership check (static only) is unknown')
    .action(async (file: string, opts: BuildOptions) => {
      const exit = cmdBuild(file, opts);
      if (onResult) onResult(exit);
      else process.exitCode = await exit;
    });
}
