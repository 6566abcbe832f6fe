// The one input every machine-readable and audit report is made from, and the
// derivations they share: source positions (1-based, Markdown lines for
// `.lm.md`), repository-relative URIs, stable orderings, fingerprints,
// counterexample flattening and summary counts. Pure: no file system, no
// clock, no process state; the CLI gathers the data and writes the files.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from '../frontend/diagnostics.js';
import type { CheckInfo, CheckKind } from '../frontend/ir.js';
import { CHECK_KINDS } from '../frontend/ir.js';
import type { SourceFile, Span } from '../frontend/span.js';
import { lineColOf, lineText } from '../frontend/span.js';
import type { CheckResult, RawCounterexample } from '../verifier/verify.js';

export interface ReportTool {
  readonly name: 'lumen-verify';
  /** Semantic version of Lumen Verify, e.g. `0.1.0`. */
  readonly version: string;
  /** Solver back-end, e.g. `z3-wasm`, `z3`, `cvc5`. */
  readonly solver: string;
  readonly solverVersion: string;
  /** Optional project page, shown by SARIF viewers. */
  readonly informationUri?: string;
}

export interface TrustedItem {
  readonly kind: 'assume' | 'extern';
  readonly cell: string;
  readonly span: Span;
  readonly text: string;
}

export interface InferredItem {
  readonly cell: string;
  readonly span: Span;
  readonly text: string;
}

export interface ReportInput {
  readonly tool: ReportTool;
  /** Every source file a span may point into, keyed by `span.file`. */
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Repository root (absolute), for relative URIs. The caller passes it (default: the working directory). */
  readonly root: string;
  /** Directory that relative `span.file` paths are relative to (default: `root`). */
  readonly cwd?: string;
  /** Frontend errors and warnings. */
  readonly diagnostics: readonly Diagnostic[];
  /** Verification results; empty for `lumen check`. */
  readonly results: readonly CheckResult[];
  readonly inferred: readonly InferredItem[];
  /** `assume` statements and `extern` contracts (IrProgram.trusted). */
  readonly trusted: readonly TrustedItem[];
  /**
   * Which refuted checks had their counterexample replayed on the VM, besides
   * those whose verdict already says `confirmed: true`. A set of check ids for
   * a single program; a predicate when several programs are merged into one
   * report (check ids are per program).
   */
  readonly confirmed?: ReadonlySet<number> | ((result: CheckResult) => boolean);
  /** SARIF only: include each check's solver time (varies between runs, so off by default for deterministic bytes). */
  readonly timings?: boolean;
  /** SARIF only: also emit proved checks (kind `pass`). JSON and audit reports always list every check. */
  readonly includeProved: boolean;
  /**
   * SARIF `automationDetails.id`: the code-scanning category, e.g.
   * `lumen-verify/` or `lumen-verify/services/`. A final `/` is added when
   * missing. Empty: no automationDetails (upload-sarif's `category` input then
   * applies; when the SARIF has an id, that input is ignored).
   */
  readonly automationId: string;
}

export type VerdictKind = CheckResult['verdict']['kind'];
export const VERDICTS: readonly VerdictKind[] = ['proved', 'refuted', 'unknown'];

// ---------------------------------------------------------------- positions

/** A resolved source position: 1-based lines and columns (UTF-16 code units), end exclusive. */
export interface Position {
  /** `span.file` as the compiler knows it. */
  readonly file: string;
  /** Path relative to the repository root, `/`-separated, not encoded. */
  readonly path: string;
  /** `path` as a URI reference (each segment percent-encoded). */
  readonly uri: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Resolves spans against the input's files and root, caching per-file paths. */
export class Locator {
  private readonly paths = new Map<string, string>();
  private readonly uris = new Map<string, string>();

  constructor(private readonly input: Pick<ReportInput, 'files' | 'root' | 'cwd'>) {}

  position(span: Span): Position {
    const rel = this.relativePath(span.file);
    let uri = this.uris.get(rel);
    if (uri === undefined) {
      uri = encodePath(rel);
      this.uris.set(rel, uri);
    }
    const file = this.input.files.get(span.file);
    if (!file) {
      // A span into a file the caller did not pass (e.g. an unreadable import):
      // still a valid, if coarse, location.
      return { file: span.file, path: rel, uri, line: 1, column: 1, endLine: 1, endColumn: 1 };
    }
    const len = file.text.length;
    const start = clamp(span.start, 0, len);
    let end = clamp(span.end, start, len);
    // A span that swallows its line break would end at column 1 of the next line.
    while (end > start && (file.text[end - 1] === '\n' || file.text[end - 1] === '\r')) end--;
    const a = lineColOf(file, start);
    const b = lineColOf(file, end);
    return { file: span.file, path: rel, uri, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** The trimmed text of the span's first line ('' when the file is unknown). */
  primaryLineText(span: Span): string {
    const file = this.input.files.get(span.file);
    if (!file) return '';
    return lineText(file, lineColOf(file, clamp(span.start, 0, file.text.length)).line).trim();
  }

  relativePath(file: string): string {
    let rel = this.paths.get(file);
    if (rel === undefined) {
      rel = relativeTo(this.input.root, this.input.cwd ?? this.input.root, file);
      this.paths.set(file, rel);
    }
    return rel;
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}

function toSlashes(p: string): string {
  return p.replace(/\\/g, '/');
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

/**
 * `file` relative to `root`, computed lexically (no process.cwd()): a
 * relative `file` is taken relative to `cwd`. The result is `/`-separated and
 * may start with `../` for a file outside the root.
 */
export function relativeTo(root: string, cwd: string, file: string): string {
  const r = toSlashes(root);
  const f0 = toSlashes(file);
  const f = isAbsolutePath(f0) ? f0 : path.posix.join(toSlashes(cwd), f0);
  // Anchor relative paths at a common fake root so posix.relative never consults the process.
  const anchor = (p: string): string => (p.startsWith('/') ? p : `/${p}`);
  const rel = path.posix.relative(anchor(r), anchor(f));
  return rel === '' ? path.posix.basename(f) : rel;
}

/** Percent-encodes each segment of a relative path, giving a valid URI reference. */
export function encodePath(rel: string): string {
  return rel
    .split('/')
    .map((seg) => (seg === '..' || seg === '.' ? seg : encodeURIComponent(seg)))
    .join('/');
}

/** `file:` URI of the root directory, with a trailing slash; null when the root is not absolute. */
export function rootUri(root: string): string | null {
  const r = toSlashes(root);
  if (!isAbsolutePath(r)) return null;
  const href = /^[A-Za-z]:\//.test(r) ? `file:///${r.split('/').map(encodeURIComponent).join('/').replace(/%3A/, ':')}` : pathToFileURL(r).href;
  return href.endsWith('/') ? href : `${href}/`;
}

// ---------------------------------------------------------------- ordering

export function comparePositions(a: Position, b: Position): number {
  return cmp(a.path, b.path) || a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- checks

/** Whether a refuted check's counterexample was replayed on the VM (its verdict says so, or the input does). */
export function isConfirmed(input: Pick<ReportInput, 'confirmed'>, r: CheckResult): boolean {
  if (r.verdict.kind !== 'refuted') return false;
  if (r.verdict.confirmed) return true;
  if (input.confirmed === undefined) return false;
  return typeof input.confirmed === 'function' ? input.confirmed(r) : input.confirmed.has(r.check.id);
}

/** The counterexample's inputs as the SARIF/JSON contract has them: parameters by name, then `perform#N`. */
export function counterexampleInputs(cx: RawCounterexample): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of cx.inputs) out[i.name] = i.value;
  for (const p of cx.performs) out[p.label] = p.value;
  return out;
}

/** `a = 1, b = 0, perform#1 = "x"`, or `(no inputs)`. */
export function describeInputs(cx: RawCounterexample): string {
  const parts = Object.entries(counterexampleInputs(cx)).map(([k, v]) => `${k} = ${v}`);
  return parts.length > 0 ? parts.join(', ') : '(no inputs)';
}

export function describeValues(values: readonly { readonly name: string; readonly value: string }[]): string {
  return values.map((v) => `${v.name} = ${v.value}`).join(', ');
}

/** `z3-wasm 4.13.0`. */
export function solverLabel(tool: ReportTool): string {
  return `${tool.solver} ${tool.solverVersion}`.trim();
}

/** Rounds a duration for reports: whole milliseconds (sub-millisecond noise is not data). */
export function roundMs(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : 0;
}

/** The one-sentence message of a check result, without related-location links. */
export function checkHeadline(r: CheckResult): string {
  const v = r.verdict;
  switch (v.kind) {
    case 'proved':
      return `Proved: ${sentence(r.check.success)}`;
    case 'refuted':
      return `Refuted: ${sentence(r.check.failure)}`;
    case 'unknown':
      return `Not proved: ${sentence(r.check.failure)} Reason: ${sentence(v.reason)} A runtime check is kept.`;
    default:
      return assertNever(v);
  }
}

/** Ends the text with a period unless it already ends a sentence; its case is kept. */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return '(no description).';
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function assertNever(x: never): never {
  throw new Error(`internal: unexpected value ${JSON.stringify(x)}`);
}

// ---------------------------------------------------------------- fingerprints

/**
 * GitHub's `primaryLocationLineHash` for a check: a hash of the check's stable
 * key and the trimmed text of its primary line — never the line number, so
 * inserting lines or cells above leaves it unchanged. The `:N` occurrence
 * suffix is added by `numberFingerprints`.
 */
export function checkLineHash(check: CheckInfo, primaryLine: string): string {
  return shortHash(`check\u0000${check.key}\u0000${primaryLine}`);
}

export function diagnosticLineHash(d: Diagnostic, primaryLine: string): string {
  return shortHash(`diagnostic\u0000${d.code}\u0000${d.message}\u0000${primaryLine}`);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/** Appends `:1`, `:2`… per repeated hash, in the given (stable) order. */
export function numberFingerprints(hashes: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return hashes.map((h) => {
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    return `${h}:${n}`;
  });
}

/**
 * Fingerprints of every check, numbered over all checks in source order
 * (whether or not a report shows proved ones, so that SARIF's and JSON's agree
 * and `--include-proved` never changes them).
 */
export function checkFingerprints(results: readonly CheckResult[], locator: Locator): Map<CheckResult, string> {
  const sorted = results
    .map((r) => ({ r, p: locator.position(r.check.span) }))
    .sort((a, b) => comparePositions(a.p, b.p) || a.r.check.id - b.r.check.id);
  const prints = numberFingerprints(sorted.map(({ r }) => checkLineHash(r.check, locator.primaryLineText(r.check.span))));
  return new Map(sorted.map(({ r }, i) => [r, prints[i]!]));
}

export function diagnosticFingerprints(diagnostics: readonly Diagnostic[], locator: Locator): Map<Diagnostic, string> {
  const sorted = diagnostics
    .map((d) => ({ d, p: locator.position(d.span) }))
    .sort((a, b) => comparePositions(a.p, b.p) || cmp(a.d.code, b.d.code) || cmp(a.d.message, b.d.message));
  const prints = numberFingerprints(sorted.map(({ d }) => diagnosticLineHash(d, locator.primaryLineText(d.span))));
  return new Map(sorted.map(({ d }, i) => [d, prints[i]!]));
}

// ---------------------------------------------------------------- summaries

export interface VerdictCounts {
  proved: number;
  refuted: number;
  unknown: number;
}

export interface Summary {
  readonly checks: number;
  readonly proved: number;
  readonly refuted: number;
  readonly unknown: number;
  /** Refuted checks whose counterexample was replayed on the VM. */
  readonly confirmed: number;
  /** Sum of per-check solver time, in milliseconds. */
  readonly timeMs: number;
  /** Only the kinds that occur, in CHECK_KINDS order. */
  readonly byKind: Readonly<Partial<Record<CheckKind, VerdictCounts>>>;
  readonly diagnostics: { readonly error: number; readonly warning: number; readonly note: number };
}

export function summarize(input: ReportInput): Summary {
  const byKind = new Map<CheckKind, VerdictCounts>();
  const total: VerdictCounts = { proved: 0, refuted: 0, unknown: 0 };
  let confirmed = 0;
  let timeMs = 0;
  for (const r of input.results) {
    const k = byKind.get(r.check.kind) ?? { proved: 0, refuted: 0, unknown: 0 };
    k[r.verdict.kind]++;
    total[r.verdict.kind]++;
    byKind.set(r.check.kind, k);
    if (isConfirmed(input, r)) confirmed++;
    timeMs += roundMs(r.timeMs);
  }
  const ordered: Partial<Record<CheckKind, VerdictCounts>> = {};
  for (const kind of CHECK_KINDS) {
    const k = byKind.get(kind);
    if (k) ordered[kind] = k;
  }
  const diagnostics = { error: 0, warning: 0, note: 0 };
  for (const d of input.diagnostics) diagnostics[d.severity]++;
  return { checks: input.results.length, ...total, confirmed, timeMs, byKind: ordered, diagnostics };
}

// ---------------------------------------------------------------- cells

export interface CellGroup {
  readonly cell: string;
  /** Position of the cell's first check (or trusted item), for ordering. */
  readonly first: Position | null;
  readonly results: readonly { readonly result: CheckResult; readonly position: Position }[];
  readonly timeMs: number;
  readonly counts: VerdictCounts;
}

/** Check results grouped by cell; cells and checks in source order. */
export function groupByCell(input: ReportInput, locator: Locator): CellGroup[] {
  const groups = new Map<string, { result: CheckResult; position: Position }[]>();
  for (const result of input.results) {
    const list = groups.get(result.check.cell) ?? [];
    list.push({ result, position: locator.position(result.check.span) });
    groups.set(result.check.cell, list);
  }
  const out: CellGroup[] = [];
  for (const [cell, list] of groups) {
    list.sort((a, b) => comparePositions(a.position, b.position) || a.result.check.id - b.result.check.id);
    const counts: VerdictCounts = { proved: 0, refuted: 0, unknown: 0 };
    let timeMs = 0;
    for (const x of list) {
      counts[x.result.verdict.kind]++;
      timeMs += roundMs(x.result.timeMs);
    }
    out.push({ cell, first: list[0]?.position ?? null, results: list, timeMs, counts });
  }
  out.sort((a, b) => (a.first && b.first ? comparePositions(a.first, b.first) : 0) || cmp(a.cell, b.cell));
  return out;
}
