// The `lumen` command. Exit codes (LANGUAGE.md §10): 0 all proved (or only
// warnings without --strict); 1 a refuted check or an error; 2 usage or I/O
// error; 3 internal error (a bug in the compiler).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { regressionTest } from '../counterexamples/emit.js';
import { Command, CommanderError, Option } from 'commander';
import type { Diagnostic } from '../frontend/diagnostics.js';
import { hasErrors, sortDiagnostics } from '../frontend/diagnostics.js';
import { renderDiagnostic, renderPlain } from '../frontend/render.js';
import type { SolverName } from '../verifier/solver/types.js';
import { renderResults } from '../reports/text.js';
import { closeSolver, compile, DEFAULT_CACHE_DIR, solverIdentity, verifyCompiled } from './pipeline.js';
import { makeProgress } from './progress.js';
import { registerFuzz } from './fuzz.js';
import { describeWasmOutcome, registerBuild, runWasm } from './build.js';
import { serializeJson, serializeSarif, toAuditHtml, toAuditMarkdown, toJson, toSarif } from '../reports/index.js';
import type { InferredItem, ReportInput, TrustedItem } from '../reports/index.js';
import type { CheckResult } from '../verifier/verify.js';
import type { SourceFile } from '../frontend/span.js';
import { dumpModule } from '../frontend/dump.js';
import { compileProgram, disassemble } from '../backend/index.js';
import { runMain, type RunResult } from '../vm/index.js';
import { printIrProgram } from '../frontend/irprint.js';

export const VERSION = '0.1.0';

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;
const EXIT_BUG = 3;

class UsageError extends Error {}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
}

function writeOut(text: string, output?: string): void {
  if (output) fs.writeFileSync(output, text);
  else process.stdout.write(text);
}

function checkReadable(files: readonly string[]): void {
  for (const f of files) {
    if (!fs.existsSync(f)) throw new UsageError(`cannot read \`${f}\`: no such file`);
  }
}

function renderDiagnostics(diags: readonly Diagnostic[], files: Parameters<typeof renderPlain>[1], plain: boolean): string {
  return sortDiagnostics(diags)
    .map((d) => (plain ? renderPlain(d, files) : renderDiagnostic(d, files, { color: useColor() })))
    .join('\n');
}

interface CommonOpts {
  format: 'text' | 'json' | 'sarif';
  output?: string;
  plain?: boolean;
}

async function cmdCheck(files: string[], opts: CommonOpts & { category?: string }): Promise<number> {
  checkReadable(files);
  let failed = false;
  const chunks: string[] = [];
  const gathered = newGathered();
  for (const file of files) {
    const c = compile(file);
    for (const [k, v] of c.files) gathered.files.set(k, v);
    gathered.diagnostics.push(...c.diagnostics);
    if (hasErrors(c.diagnostics)) failed = true;
    if (c.diagnostics.length > 0) chunks.push(renderDiagnostics(c.diagnostics, c.files, Boolean(opts.plain) || !process.stdout.isTTY));
  }
  if (opts.format === 'sarif' || opts.format === 'json') {
    const input = await reportInput(gathered, opts);
    writeOut(opts.format === 'sarif' ? serializeSarif(toSarif(input)) : serializeJson(toJson(input)), opts.output);
  } else if (chunks.length) writeOut(chunks.join('\n') + '\n', opts.output);
  return failed ? EXIT_FAIL : EXIT_OK;
}

import { lineColOf as lineCol } from '../frontend/span.js';

interface SolverOpts {
  jobs?: string;
  cache: boolean;
  cacheDir: string;
}

function solverSettings(opts: SolverOpts & { solver: SolverName }): { solver: SolverName; jobs?: number; cacheDir: string | null } {
  const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError('--jobs must be a positive integer');
  return { solver: opts.solver, ...(jobs !== undefined ? { jobs } : {}), cacheDir: opts.cache ? opts.cacheDir : null };
}

interface VerifyOpts extends CommonOpts, SolverOpts {
  timeout: string;
  emitTests?: string;
  report?: string;
  includeProved?: boolean;
  category?: string;
  timings?: boolean;
  dumpIr?: boolean;
  dumpAst?: boolean;
  showInferred?: boolean;
  solver: SolverName;
  emitSmt?: string;
  verbose?: boolean;
  strict?: boolean;
}

async function cmdVerify(files: string[], opts: VerifyOpts): Promise<number> {
  checkReadable(files);
  const timeoutMs = Number(opts.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds`);
  let exit = EXIT_OK;
  const out: string[] = [];
  const plain = Boolean(opts.plain) || !process.stdout.isTTY;
  const gathered = newGathered();
  const progress = makeProgress();
  for (const file of files) {
    const c = compile(file);
    for (const [k, v] of c.files) gathered.files.set(k, v);
    gathered.diagnostics.push(...c.diagnostics);
    if (c.diagnostics.length > 0) out.push(renderDiagnostics(c.diagnostics, c.files, plain));
    if (opts.dumpAst && c.program) for (const m of c.program.modules) out.push(`# AST of ${m.file}`, dumpModule(m.ast));
    if (hasErrors(c.diagnostics)) exit = EXIT_FAIL;
    if (!c.ir) continue;
    if (opts.dumpIr) out.push(printIrProgram(c.ir));
    const report = await verifyCompiled(c.ir, {
      ...solverSettings(opts),
      timeoutMs,
      ...(opts.emitSmt ? { emitSmtDir: opts.emitSmt } : {}),
      onProgress: (done, total, cell) => progress.update(done, total, `${file}: ${cell}`),
    });
    progress.finish();
    gathered.results.push(...report.results);
    if (opts.emitTests && c.program) {
      fs.mkdirSync(opts.emitTests, { recursive: true });
      const root = c.files.get(file) ?? [...c.files.values()].pop();
      for (const r of report.results) {
        const t = root ? regressionTest(c.program, c.ir, root, r) : null;
        if (t) fs.writeFileSync(path.join(opts.emitTests, t.name), t.text);
      }
    }
    gathered.inferred.push(...report.inferred);
    gathered.trusted.push(...c.ir.trusted);
    if (opts.showInferred) {
      for (const inv of report.inferred) {
        const f = c.files.get(inv.span.file);
        const pos = f ? lineCol(f, inv.span.start) : { line: 0, column: 0 };
        out.push(`${inv.span.file}:${pos.line}:${pos.column}: inferred for the loop in \`${inv.cell}\`: invariant ${inv.text}`);
      }
    }
    out.push(renderResults(report.results, c.files, { color: useColor(), verbose: Boolean(opts.verbose), plain }).trimEnd());
    if (report.results.some((r) => r.verdict.kind === 'refuted')) exit = EXIT_FAIL;
    if (opts.strict && report.results.some((r) => r.verdict.kind === 'unknown')) exit = EXIT_FAIL;
  }
  const input = await reportInput(gathered, opts);
  if (opts.report) {
    const html = opts.report.endsWith('.html') || opts.report.endsWith('.htm');
    if (!html && !opts.report.endsWith('.md')) throw new UsageError('--report must name a .html or .md file');
    fs.writeFileSync(opts.report, html ? toAuditHtml(input) : toAuditMarkdown(input));
  }
  if (opts.format === 'sarif') writeOut(serializeSarif(toSarif(input)), opts.output);
  else if (opts.format === 'json') writeOut(serializeJson(toJson(input)), opts.output);
  else writeOut(out.join('\n') + '\n', opts.output);
  return exit;
}

interface Gathered {
  files: Map<string, SourceFile>;
  diagnostics: Diagnostic[];
  results: CheckResult[];
  inferred: InferredItem[];
  trusted: TrustedItem[];
}

function newGathered(): Gathered {
  return { files: new Map(), diagnostics: [], results: [], inferred: [], trusted: [] };
}

async function reportInput(g: Gathered, opts: { solver?: SolverName; includeProved?: boolean; category?: string; timings?: boolean }): Promise<ReportInput> {
  const solverName = opts.solver ?? 'wasm';
  // Asking for the version starts the solver: only when results need it.
  const solverVersion = g.results.length > 0 ? solverIdentity(solverName) : 'not run';
  return {
    tool: { name: 'lumen-verify', version: VERSION, solver: solverName === 'wasm' ? 'z3-wasm' : solverName, solverVersion },
    files: g.files,
    root: process.cwd(),
    diagnostics: g.diagnostics,
    results: g.results,
    inferred: g.inferred,
    trusted: g.trusted,
    includeProved: Boolean(opts.includeProved),
    timings: Boolean(opts.timings),
    automationId: opts.category ?? 'lumen-verify/',
  };
}

interface RunOpts extends SolverOpts {
  target?: 'vm' | 'wasm';
  verify: boolean;
  fuel?: string;
  trace?: boolean;
  jit: boolean;
  disasm?: boolean;
  timeout: string;
  solver: SolverName;
}

async function cmdRun(file: string, opts: RunOpts): Promise<number> {
  checkReadable([file]);
  const c = compile(file);
  const plain = !process.stderr.isTTY;
  if (c.diagnostics.length > 0) process.stderr.write(renderDiagnostics(c.diagnostics, c.files, plain) + '\n');
  if (!c.ir) return EXIT_FAIL;
  const proved = new Set<number>();
  if (opts.verify) {
    const report = await verifyCompiled(c.ir, { ...solverSettings(opts), timeoutMs: Number(opts.timeout) });
    const refuted = report.results.filter((r) => r.verdict.kind === 'refuted');
    if (refuted.length > 0) {
      process.stderr.write(renderResults(refuted, c.files, { color: false, verbose: false, plain }));
      process.stderr.write(`error: refusing to run: ${refuted.length} check(s) refuted\n`);
      return EXIT_FAIL;
    }
    for (const r of report.results) if (r.verdict.kind === 'proved') proved.add(r.check.id);
  }
  if (opts.target === 'wasm') {
    const outcome = await runWasm(c.ir, proved, { stdout: (line) => process.stdout.write(line + '\n') });
    const message = describeWasmOutcome(outcome, c.files);
    if (message === null) return EXIT_OK;
    process.stderr.write(message + '\n');
    return EXIT_FAIL;
  }
  const prog = compileProgram(c.ir, { proved });
  if (opts.disasm) process.stdout.write(disassemble(prog) + '\n');
  const fuel = opts.fuel !== undefined ? Number(opts.fuel) : undefined;
  if (fuel !== undefined && (!Number.isInteger(fuel) || fuel <= 0)) throw new UsageError('--fuel must be a positive integer');
  const result = runMain(prog, {
    ...(fuel !== undefined ? { fuel } : {}),
    jit: opts.jit,
    stdout: (line) => process.stdout.write(line + '\n'),
    ...(opts.trace ? { trace: (line: string) => process.stderr.write(line + '\n') } : {}),
  });
  const message = describeRunFailure(result, c.files);
  if (message === null) return EXIT_OK;
  process.stderr.write(message + '\n');
  return EXIT_FAIL;
}

function describeRunFailure(r: RunResult, files: Parameters<typeof renderPlain>[1]): string | null {
  const where = (span: { file: string; start: number }): string => {
    const f = files.get(span.file);
    const p = f ? lineCol(f, span.start) : { line: 0, column: 0 };
    return `${span.file}:${p.line}:${p.column}`;
  };
  const stack = (entries: readonly { cell: string; span: { file: string; start: number } }[]): string =>
    entries.map((e) => `\n    at ${e.cell} (${where(e.span)})`).join('');
  switch (r.kind) {
    case 'ok':
      return null;
    case 'check-failed': {
      const vals = Object.entries(r.values).map(([k, v]) => `${k} = ${v}`).join(', ');
      return `${where(r.span)}: runtime error[${r.checkKind}]: ${r.message}${vals ? `\n    values: ${vals}` : ''}${stack(r.stack)}`;
    }
    case 'halt':
      return `${where(r.span)}: runtime error[halt]: halt: ${r.message}${stack(r.stack)}`;
    case 'effect-unhandled':
      return `${where(r.span)}: runtime error: effect \`${r.effect}.${r.op}\` is not handled${stack(r.stack)}`;
    case 'fuel-exhausted':
      return `runtime error: out of fuel (the --fuel instruction limit was reached)${stack(r.stack)}`;
    case 'depth-exceeded':
      return `runtime error: call depth limit exceeded${stack(r.stack)}`;
    case 'error':
      return `runtime error: ${r.message}${stack(r.stack)}`;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command();
  let result: Promise<number> = Promise.resolve(EXIT_OK);
  program
    .name('lumen')
    .description('Lumen Verify: a verification-centric compiler for the Lumen language')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const format = () => new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text');
  program
    .command('check')
    .description('parse, resolve and type-check')
    .argument('<files...>')
    .addOption(format())
    .option('-o, --output <file>', 'write the report to a file')
    .option('--plain', 'one line per diagnostic')
    .option('--category <id>', 'SARIF automationDetails.id (code-scanning category)', 'lumen-verify/')
    .action((files: string[], opts: CommonOpts) => {
      result = cmdCheck(files, opts);
    });
  program
    .command('verify')
    .description('check, then prove or refute every check of the program')
    .argument('<files...>')
    .addOption(format())
    .option('-o, --output <file>', 'write the report to a file')
    .option('--plain', 'one line per result')
    .option('--timeout <ms>', 'time limit per check, in milliseconds', '4000')
    .addOption(new Option('--solver <solver>', 'SMT solver').choices(['wasm', 'z3', 'cvc5']).default('wasm'))
    .option('--emit-smt <dir>', 'write every query as a standalone .smt2 file')
    .option('-j, --jobs <n>', 'solvers working in parallel (default: the number of cores)')
    .option('--cache-dir <dir>', 'verification cache directory', DEFAULT_CACHE_DIR)
    .option('--no-cache', 'do not read or write the verification cache')
    .option('-v, --verbose', 'also list proved checks')
    .option('--strict', 'treat unknown checks as failures')
    .option('--report <file>', 'write an audit report (.html or .md)')
    .option('--emit-tests <dir>', 'write a runnable regression test for each refuted check')
    .option('--include-proved', 'SARIF: also emit proved checks as `pass` results')
    .option('--timings', 'SARIF: include each check\'s solver time (the output then differs between runs)')
    .option('--category <id>', 'SARIF automationDetails.id (code-scanning category)', 'lumen-verify/')
    .option('--show-inferred', 'print the loop invariants the verifier inferred, in Lumen syntax')
    .option('--dump-ast', 'print the syntax tree')
    .option('--dump-ir', 'print the checked IR (checks shown as ⟨kind#id⟩)')
    .action((files: string[], opts: VerifyOpts) => {
      result = cmdVerify(files, opts);
    });
  program
    .command('run')
    .description('verify, then run `main` on the VM (unknown checks stay as runtime checks)')
    .argument('<file>')
    .option('--no-verify', 'skip verification and run with every runtime check')
    .option('--fuel <n>', 'stop after this many instructions')
    .option('--trace', 'print every executed instruction to stderr')
    .option('--no-jit', "run every instruction in the VM's dispatch loop (no compiling tier)")
    .option('--disasm', 'print the bytecode before running')
    .addOption(new Option('--target <target>', 'run on the VM or as WebAssembly').choices(['vm', 'wasm']).default('vm'))
    .option('-j, --jobs <n>', 'solvers working in parallel (default: the number of cores)')
    .option('--cache-dir <dir>', 'verification cache directory', DEFAULT_CACHE_DIR)
    .option('--no-cache', 'do not read or write the verification cache')
    .option('--timeout <ms>', 'time limit per check, in milliseconds', '4000')
    .addOption(new Option('--solver <solver>', 'SMT solver').choices(['wasm', 'z3', 'cvc5']).default('wasm'))
    .action((file: string, opts: RunOpts) => {
      result = cmdRun(file, opts);
    });
  registerFuzz(program, (exit) => {
    result = Promise.resolve(exit);
  });
  registerBuild(program, (exit) => {
    result = exit;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return await result;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`internal compiler error (this is a bug in lumen): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_BUG;
  } finally {
    await closeSolver();
  }
}
