// `lumen fuzz FILE`: a property-based campaign over the cells of a program
// (fuzz/index.ts does the work). This file parses the options, reads the
// file, draws the progress bar, writes the report and picks the exit code:
// 0 no failure, 1 failures found (a failing check, or with `--against wasm`
// a disagreement between the VM and the WebAssembly backend; or the program
// does not compile), 2 usage or I/O error, 3 a soundness bug (`--soundness`:
// a check the verifier proved fails at run time).

import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import fc from 'fast-check';
import { sortDiagnostics } from '../frontend/diagnostics.js';
import { renderDiagnostic, renderPlain } from '../frontend/render.js';
import { fuzzProgram, fuzzResults, renderFuzzText, renderSoundnessBug, type FuzzProgress, type FuzzReport } from '../fuzz/index.js';
import { serializeJson, serializeSarif, toJson, toSarif, type ReportInput } from '../reports/index.js';
import { counterexampleInputs } from '../reports/model.js';
import type { SolverName } from '../verifier/solver/types.js';
import { compile, solverFor, verifyCompiled, type Compiled } from './pipeline.js';

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;
const EXIT_SOUNDNESS = 3;

export interface FuzzCliOptions {
  cell?: string;
  runs: string;
  seed?: string;
  timeLimit?: string;
  format: 'text' | 'json' | 'sarif';
  output?: string;
  plain?: boolean;
  soundness?: boolean;
  timeout: string;
  solver: SolverName;
  fuel?: string;
  against?: 'wasm';
}

class FuzzUsageError extends Error {}

/**
 * Adds the `fuzz` command to `program`. The command's exit code goes to
 * `onResult` when given (the way cli/index.ts collects the code of every
 * command); without it, to `process.exitCode`.
 */
export function registerFuzz(program: Command, onResult?: (exit: Promise<number>) => void): Command {
  return program
    .command('fuzz')
    .description('property-based campaign: generate inputs that satisfy the preconditions, run with every runtime check on, report failures as counterexamples')
    .argument('<file>')
    .option('--cell <name>', 'fuzz only this cell')
    .option('--runs <n>', 'generated runs per cell', '100')
    .option('--seed <n>', 'seed of the campaign (printed; the same seed replays the same campaign)')
    .option('--time-limit <seconds>', 'stop the campaign after this many seconds')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('-o, --output <file>', 'write the report to a file')
    .option('--plain', 'one line per failure')
    .option('--soundness', 'verify first; a failure of a proved check is a verifier bug (exit code 3)')
    .option('--timeout <ms>', 'time limit per solver query (verification, seeds), in milliseconds', '4000')
    .addOption(new Option('--solver <solver>', 'SMT solver').choices(['wasm', 'z3', 'cvc5']).default('wasm'))
    .option('--fuel <n>', 'VM instructions per run', '1000000')
    .addOption(new Option('--against <backend>', 'differential mode: also run every input on this backend and report disagreements').choices(['wasm']))
    .action((file: string, opts: FuzzCliOptions) => {
      const exit = cmdFuzz(file, opts, program.version() ?? '0.0.0');
      if (onResult) onResult(exit);
      else return exit.then((code) => void (process.exitCode = code));
      return undefined;
    });
}

interface Settings {
  readonly runs: number;
  readonly seed: number;
  readonly timeLimitMs: number | undefined;
  readonly timeoutMs: number;
  readonly fuel: number;
}

function parseSettings(opts: FuzzCliOptions): Settings {
  const int = (text: string, what: string, min: number, max: number): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new FuzzUsageError(`${what} must be an integer from ${min} to ${max}, not \`${text}\``);
    return n;
  };
  const runs = int(opts.runs, '--runs', 1, 100_000_000);
  const seed = opts.seed !== undefined ? int(opts.seed, '--seed', 0, 0xffffffff) : randomInt(0, 0x7fffffff);
  let timeLimitMs: number | undefined;
  if (opts.timeLimit !== undefined) {
    const s = Number(opts.timeLimit);
    if (!Number.isFinite(s) || s <= 0) throw new FuzzUsageError(`--time-limit must be a positive number of seconds, not \`${opts.timeLimit}\``);
    timeLimitMs = s * 1000;
  }
  const timeoutMs = int(opts.timeout, '--timeout', 1, 3_600_000);
  const fuel = int(opts.fuel ?? '1000000', '--fuel', 1, Number.MAX_SAFE_INTEGER);
  return { runs, seed, timeLimitMs, timeoutMs, fuel };
}

async function cmdFuzz(file: string, opts: FuzzCliOptions, version: string): Promise<number> {
  let settings: Settings;
  try {
    settings = parseSettings(opts);
    if (!fs.existsSync(file)) throw new FuzzUsageError(`cannot read \`${file}\`: no such file`);
  } catch (e) {
    if (!(e instanceof FuzzUsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return EXIT_USAGE;
  }
  const c = compile(file);
  const plain = Boolean(opts.plain) || !process.stdout.isTTY;
  if (c.diagnostics.length > 0) {
    const text = sortDiagnostics(c.diagnostics)
      .map((d) => (plain ? renderPlain(d, c.files) : renderDiagnostic(d, c.files, { color: useColor() })))
      .join('\n');
    process.stderr.write(text + '\n');
  }
  if (!c.ir) return EXIT_FAIL;
  if (opts.cell !== undefined && !c.ir.rootCells.includes(opts.cell)) {
    const known = c.ir.rootCells.filter((n) => c.ir!.cells.get(n)?.body).join(', ');
    process.stderr.write(`error: no cell named \`${opts.cell}\` in \`${file}\` (cells: ${known || 'none'})\n`);
    return EXIT_USAGE;
  }
  const solver = solverFor(opts.solver);
  let proved: Set<number> | undefined;
  if (opts.soundness) {
    const report = await verifyCompiled(c.ir, { solver: opts.solver, timeoutMs: settings.timeoutMs });
    proved = new Set(report.results.filter((r) => r.verdict.kind === 'proved').map((r) => r.check.id));
  }
  process.stderr.write(`lumen fuzz: seed ${settings.seed}\n`);
  const bar = progressBar(settings.runs);
  let report: FuzzReport;
  try {
    report = await fuzzProgram(c.ir, {
      seed: settings.seed,
      runs: settings.runs,
      ...(opts.cell !== undefined ? { cells: [opts.cell] } : {}),
      ...(settings.timeLimitMs !== undefined ? { timeLimitMs: settings.timeLimitMs } : {}),
      ...(proved ? { proved } : {}),
      solver,
      solverTimeoutMs: settings.timeoutMs,
      fuel: settings.fuel,
      ...(opts.against ? { against: opts.against } : {}),
      onProgress: bar.update,
    });
  } finally {
    bar.finish();
  }
  writeOut(formatReport(report, c, opts, version), opts.output);
  if (report.soundnessBugs.length > 0) {
    const text = report.soundnessBugs.map((b) => renderSoundnessBug(b, c.files, file)).join('\n\n');
    process.stderr.write(text + '\n');
    return EXIT_SOUNDNESS;
  }
  return report.failures.length > 0 || report.mismatches.length > 0 ? EXIT_FAIL : EXIT_OK;
}

function formatReport(report: FuzzReport, c: Compiled, opts: FuzzCliOptions, version: string): string {
  if (opts.format === 'text') return renderFuzzText(report, c.files, { color: useColor() && !opts.output, plain: Boolean(opts.plain) || !process.stdout.isTTY || Boolean(opts.output) });
  const input: ReportInput = {
    tool: { name: 'lumen-verify', version, solver: 'fast-check', solverVersion: fc.__version },
    files: c.files,
    root: process.cwd(),
    diagnostics: c.diagnostics,
    results: fuzzResults(report),
    inferred: [],
    trusted: c.ir?.trusted ?? [],
    includeProved: false,
    automationId: 'lumen-fuzz/',
  };
  if (opts.format === 'sarif') return serializeSarif(toSarif(input));
  const summary = {
    seed: report.seed,
    runs: report.runs,
    failures: report.failures.length,
    soundnessBugs: report.soundnessBugs.map((b) => b.check.id),
    against: report.against,
    mismatches: report.mismatches.map((m) => ({ cell: m.entry, against: m.against, vm: m.vm, other: m.other, inputs: counterexampleInputs(m.counterexample) })),
    timeMs: report.timeMs,
    interrupted: report.interrupted,
    cells: report.cells,
  };
  return serializeJson({ ...toJson(input), fuzz: summary } as ReturnType<typeof toJson>);
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
}

function writeOut(text: string, output?: string): void {
  if (output) fs.writeFileSync(output, text);
  else process.stdout.write(text);
}

/** Runs done and failures found, on stderr when it is a terminal (and not in CI); nothing otherwise. */
function progressBar(budget: number, stream: NodeJS.WriteStream = process.stderr): { update: (p: FuzzProgress) => void; finish: () => void } {
  if (!stream.isTTY || process.env['CI']) return { update: () => undefined, finish: () => undefined };
  let drawn = false;
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 50 && p.cellRuns < budget) return;
      last = now;
      const width = 24;
      const filled = Math.min(width, Math.round((p.cellRuns / Math.max(1, p.cellBudget)) * width));
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const text = ` ${bar} ${p.cellRuns}/${p.cellBudget} runs  ${p.cell}  (${p.runs} runs, ${p.failures} failure${p.failures === 1 ? '' : 's'})`;
      stream.write(`\r${text.slice(0, (stream.columns ?? 80) - 1)}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
