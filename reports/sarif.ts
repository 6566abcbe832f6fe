// SARIF 2.1.0 for GitHub code scanning (see ../shared/sarif/README.md for
// what GitHub requires). One run per report, with `automationDetails.id` as
// the category. A result per refuted check (error), unknown check (warning),
// frontend diagnostic (its severity; `properties.check` = `error`) and, with
// `includeProved`, per proved check (kind `pass`, level `none`).
//
// The output is deterministic: results are sorted by file, line, column and
// rule, objects are built with a fixed key order, and nothing depends on the
// clock. It never exceeds GitHub's limits: thread flows, locations, results
// and the gzipped size are capped, and whatever is dropped is said in
// `run.properties.truncated` and a tool execution notification.

import { gzipSync } from 'node:zlib';
import type * as sarif from 'sarif';
import type { Diagnostic } from '../frontend/diagnostics.js';
import { CATALOGUE } from '../frontend/diagnostics.js';
import type { Span } from '../frontend/span.js';
import type { CheckResult, RawCounterexample } from '../verifier/verify.js';
import type { Position, ReportInput } from './model.js';
import {
  checkFingerprints,
  checkHeadline,
  comparePositions,
  counterexampleInputs,
  describeInputs,
  describeValues,
  diagnosticFingerprints,
  isConfirmed,
  Locator,
  roundMs,
  rootUri,
  sentence,
  solverLabel,
  summarize,
} from './model.js';
import { RULES, ruleIndex } from './rules.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

/** GitHub code scanning's upload limits (docs: "SARIF support for code scanning"). */
export interface SarifLimits {
  readonly maxResultsPerRun: number;
  readonly maxRulesPerRun: number;
  readonly maxThreadFlowLocationsPerResult: number;
  readonly maxLocationsPerResult: number;
  /** Upper bound on the gzipped size of the serialized file. */
  readonly maxGzipBytes: number;
}

export const GITHUB_LIMITS: SarifLimits = {
  maxResultsPerRun: 25_000,
  maxRulesPerRun: 25_000,
  maxThreadFlowLocationsPerResult: 10_000,
  maxLocationsPerResult: 1_000,
  // GitHub says 10 MB; decimal megabytes are the stricter reading.
  maxGzipBytes: 10_000_000,
};

/** Per-result truncation notes beyond this many are summarized in one. */
const MAX_NOTES = 20;

export interface SarifOptions {
  /** Tighter limits than GitHub's (tests use them to exercise truncation cheaply). */
  readonly limits?: Partial<SarifLimits>;
}

interface Entry {
  readonly result: sarif.Result;
  readonly position: Position;
  readonly ruleId: string;
  /** 0 = error, 1 = warning, 2 = note, 3 = pass: what is dropped last. */
  readonly priority: number;
  /** Tie-breaker for a total order. */
  readonly tie: string;
}

export function toSarif(input: ReportInput, options: SarifOptions = {}): sarif.Log {
  const limits: SarifLimits = { ...GITHUB_LIMITS, ...options.limits };
  const locator = new Locator(input);
  const ctx: Ctx = {
    input,
    locator,
    limits,
    resultNotes: [],
    checkPrints: checkFingerprints(input.results, locator),
    diagnosticPrints: diagnosticFingerprints(input.diagnostics, locator),
  };

  const entries: Entry[] = [];
  for (const r of input.results) {
    if (r.verdict.kind === 'proved' && !input.includeProved) continue;
    entries.push(checkEntry(ctx, r));
  }
  for (const d of input.diagnostics) entries.push(diagnosticEntry(ctx, d));
  entries.sort(
    (a, b) => comparePositions(a.position, b.position) || cmpStr(a.ruleId, b.ruleId) || cmpStr(a.tie, b.tie),
  );

  // 20 check kinds plus the diagnostic catalogue: far below maxRulesPerRun (a test asserts it).
  const rules = [...RULES];
  const rootHref = rootUri(input.root);
  const automationId = normalizeAutomationId(input.automationId);
  const { timeMs, ...untimed } = summarize(input);
  const summary = input.timings ? { ...untimed, timeMs } : untimed;
  const build = (kept: readonly Entry[], dropped: number): sarif.Log => {
    const notifications: sarif.Notification[] = [];
    const properties: Record<string, unknown> = { summary, includeProved: input.includeProved };
    if (dropped > 0) {
      const text = `${dropped} of ${entries.length} results were omitted to stay within GitHub's limits (at most ${limits.maxResultsPerRun} results per run and ${limits.maxGzipBytes} bytes gzipped); errors are kept first, then warnings. Run with --format json for the complete list.`;
      notifications.push({ level: 'warning', message: { text } });
      properties['truncated'] = { omittedResults: dropped, totalResults: entries.length, reason: text };
    }
    for (const text of ctx.resultNotes.slice(0, MAX_NOTES)) notifications.push({ level: 'note', message: { text } });
    if (ctx.resultNotes.length > MAX_NOTES) {
      notifications.push({ level: 'note', message: { text: `${ctx.resultNotes.length - MAX_NOTES} more results were shortened the same way.` } });
    }
    const run: sarif.Run = {
      tool: {
        driver: {
          name: input.tool.name,
          ...(input.tool.informationUri ? { informationUri: input.tool.informationUri } : {}),
          version: input.tool.version,
          semanticVersion: input.tool.version,
          rules,
        },
      },
      ...(automationId ? { automationDetails: { id: automationId } } : {}),
      ...(rootHref ? { originalUriBaseIds: { [SRCROOT]: { uri: rootHref } } } : {}),
      columnKind: 'utf16CodeUnits',
      ...(notifications.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }] } : {}),
      results: kept.map((e) => e.result),
      properties,
    };
    return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  };

  // Results over the count limit go first (lowest priority first), then more
  // until the gzipped file fits.
  const byPriority = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.priority - b.e.priority || a.i - b.i);
  const keepFirst = (n: number): Entry[] =>
    byPriority
      .slice(0, n)
      .sort((a, b) => a.i - b.i)
      .map((x) => x.e);
  let keep = Math.min(entries.length, limits.maxResultsPerRun);
  let log = build(keepFirst(keep), entries.length - keep);
  if (gzippedSize(log, limits.maxGzipBytes) > limits.maxGzipBytes) {
    // Binary search for the largest prefix (by priority) that fits.
    let lo = 0;
    let hi = keep - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (gzippedSize(build(keepFirst(mid), entries.length - mid), limits.maxGzipBytes) <= limits.maxGzipBytes) lo = mid;
      else hi = mid - 1;
    }
    keep = lo;
    log = build(keepFirst(keep), entries.length - keep);
  }
  return log;
}

/**
 * GitHub reads `automationDetails.id` as `category/run-id`; like
 * `upload-sarif`'s `category` input, an id without a final `/` gets one, so
 * the whole id is the category. An empty id leaves `automationDetails` out,
 * and `upload-sarif`'s `category` input applies instead (the action only
 * fills in runs that have none).
 */
export function normalizeAutomationId(id: string): string {
  const t = id.trim();
  return t === '' || t.endsWith('/') ? t : `${t}/`;
}

/** Deterministic bytes: two-space JSON in construction order, with a final newline. */
export function serializeSarif(log: sarif.Log): string {
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * The gzipped size of the serialized log, or an upper bound on it: gzip adds
 * at most a few bytes per 16 KiB block to incompressible data, so a file
 * whose plain size is below the limit (with that margin) is not compressed at all.
 */
function gzippedSize(log: sarif.Log, limit: number): number {
  const text = serializeSarif(log);
  const bytes = Buffer.byteLength(text, 'utf8');
  const bound = bytes + Math.ceil(bytes / 16_384) * 5 + 64;
  return bound <= limit ? bound : gzipSync(text).length;
}

// ---------------------------------------------------------------- results

interface Ctx {
  readonly input: ReportInput;
  readonly locator: Locator;
  readonly limits: SarifLimits;
  /** Notes about per-result truncation, for the run's notifications. */
  readonly resultNotes: string[];
  readonly checkPrints: ReadonlyMap<CheckResult, string>;
  readonly diagnosticPrints: ReadonlyMap<Diagnostic, string>;
}

function physical(pos: Position): sarif.PhysicalLocation {
  return {
    artifactLocation: { uri: pos.uri, uriBaseId: SRCROOT },
    region: { startLine: pos.line, startColumn: pos.column, endLine: pos.endLine, endColumn: pos.endColumn },
  };
}

function location(ctx: Ctx, span: Span, message?: string): sarif.Location {
  return {
    physicalLocation: physical(ctx.locator.position(span)),
    ...(message !== undefined ? { message: { text: message } } : {}),
  };
}

/** Related locations with ids 1…n, and the message suffix that links them. */
function related(
  ctx: Ctx,
  items: readonly { readonly span: Span; readonly message: string }[],
  what: string,
): { locations: sarif.Location[]; links: string } {
  const max = ctx.limits.maxLocationsPerResult - 1; // the primary location counts too
  const shown = items.slice(0, Math.max(0, max));
  if (items.length > shown.length) {
    ctx.resultNotes.push(`${what}: ${items.length - shown.length} related locations omitted (GitHub allows ${ctx.limits.maxLocationsPerResult} locations per result).`);
  }
  const locations = shown.map((r, i) => ({ id: i + 1, ...location(ctx, r.span, r.message) }));
  const links = shown.map((r, i) => `[${linkText(r.message)}](${i + 1})`).join(', ');
  return { locations, links: links ? ` See ${links}.` : '' };
}

function checkEntry(ctx: Ctx, r: CheckResult): Entry {
  const { input, locator } = ctx;
  const c = r.check;
  const position = locator.position(c.span);
  const v = r.verdict;
  const rel = related(ctx, c.related, `check ${c.id} (${c.kind})`);
  let text = plainText(checkHeadline(r));
  const properties: Record<string, unknown> = { check: c.kind, verdict: v.kind };
  let codeFlows: sarif.CodeFlow[] | undefined;
  if (v.kind === 'refuted') {
    const confirmed = isConfirmed(input, r);
    text += ` Counterexample: ${plainText(describeInputs(v.counterexample))}${confirmed ? ' (confirmed by replaying it on the VM)' : ''}.`;
    properties['counterexample'] = {
      confirmed,
      inputs: counterexampleInputs(v.counterexample),
      unrolled: v.counterexample.unrolled,
      ...(v.note ? { note: v.note } : {}),
    };
    codeFlows = [counterexampleFlow(ctx, r, v.counterexample)];
  } else if (v.kind === 'unknown') {
    properties['reason'] = v.reason;
  }
  text += rel.links;
  Object.assign(properties, {
    cell: c.cell,
    expr: c.expr,
    solver: solverLabel(input.tool),
    // Solver time varies from run to run; it is included only on request so
    // the same input gives the same SARIF bytes.
    ...(input.timings ? { timeMs: roundMs(r.timeMs) } : {}),
    checkId: c.id,
    key: c.key,
  });
  const level: sarif.Result.level = v.kind === 'refuted' ? 'error' : v.kind === 'unknown' ? 'warning' : 'none';
  const result: sarif.Result = {
    ruleId: c.kind,
    ruleIndex: ruleIndex(c.kind),
    ...(v.kind === 'proved' ? { kind: 'pass' as const } : {}),
    level,
    message: { text },
    locations: [{ physicalLocation: physical(position) }],
    ...(rel.locations.length > 0 ? { relatedLocations: rel.locations } : {}),
    ...(codeFlows ? { codeFlows } : {}),
    partialFingerprints: { primaryLocationLineHash: ctx.checkPrints.get(r)! },
    properties,
  };
  return {
    result,
    position,
    ruleId: c.kind,
    priority: level === 'error' ? 0 : level === 'warning' ? 1 : 3,
    tie: `c${String(c.id).padStart(10, '0')}${c.key}`,
  };
}

/** The counterexample as a path: the inputs, each step taken with its values, then the failing check. */
function counterexampleFlow(ctx: Ctx, r: CheckResult, cx: RawCounterexample): sarif.CodeFlow {
  const steps: sarif.ThreadFlowLocation[] = [];
  const inputs = counterexampleInputs(cx);
  const entrySpan = cx.path[0]?.span ?? r.check.span;
  steps.push({
    location: location(ctx, entrySpan, `inputs: ${describeInputs(cx)}`),
    ...(Object.keys(inputs).length > 0 ? { state: stateOf(Object.entries(inputs).map(([name, value]) => ({ name, value }))) } : {}),
  });
  const room = Math.max(0, ctx.limits.maxThreadFlowLocationsPerResult - 2);
  const path = cx.path.length > room ? cx.path.slice(0, Math.max(0, room - 1)) : cx.path;
  for (const step of path) {
    const values = describeValues(step.values);
    steps.push({
      location: location(ctx, step.span, values ? `${step.what}: ${values}` : step.what),
      ...(step.values.length > 0 ? { state: stateOf(step.values) } : {}),
    });
  }
  if (path.length < cx.path.length) {
    const omitted = cx.path.length - path.length;
    steps.push({ location: location(ctx, cx.path[path.length]!.span, `… ${omitted} more steps omitted`) });
    ctx.resultNotes.push(`check ${r.check.id} (${r.check.kind}): ${omitted} counterexample steps omitted (GitHub allows ${ctx.limits.maxThreadFlowLocationsPerResult} per result).`);
  }
  steps.push({ location: location(ctx, r.check.span, `fails here: ${r.check.failure}`), importance: 'essential' });
  return {
    message: { text: `Counterexample: ${describeInputs(cx)}` },
    threadFlows: [{ locations: steps.slice(0, ctx.limits.maxThreadFlowLocationsPerResult) }],
  };
}

function stateOf(values: readonly { readonly name: string; readonly value: string }[]): Record<string, sarif.MultiformatMessageString> {
  const state: Record<string, sarif.MultiformatMessageString> = {};
  for (const v of values) state[v.name] = { text: v.value === '' ? '""' : v.value };
  return state;
}

const CATALOGUE_NAMES = new Map(CATALOGUE.map((e) => [e.code, e.name]));

function diagnosticEntry(ctx: Ctx, d: Diagnostic): Entry {
  const position = ctx.locator.position(d.span);
  const rel = related(ctx, d.related, `diagnostic ${d.code}`);
  const notes = d.notes.map((n) => ` ${sentence(n)}`).join('');
  const text = plainText(`${sentence(d.message)}${notes}`) + rel.links;
  const known = ruleIndex(d.code) >= 0;
  const result: sarif.Result = {
    ruleId: d.code,
    ...(known ? { ruleIndex: ruleIndex(d.code) } : {}),
    level: d.severity,
    message: { text },
    locations: [{ physicalLocation: physical(position) }],
    ...(rel.locations.length > 0 ? { relatedLocations: rel.locations } : {}),
    partialFingerprints: { primaryLocationLineHash: ctx.diagnosticPrints.get(d)! },
    properties: { check: 'error', code: d.code, name: CATALOGUE_NAMES.get(d.code) ?? d.code, severity: d.severity },
  };
  return {
    result,
    position,
    ruleId: d.code,
    priority: d.severity === 'error' ? 0 : d.severity === 'warning' ? 1 : 2,
    tie: `d${d.message}`,
  };
}

// ---------------------------------------------------------------- message text

/**
 * Message text outside links: SARIF reads `[text](id)` as a link, so a `](`
 * in user text (never produced by Lumen syntax, but cheap to guard) is escaped.
 */
function plainText(s: string): string {
  return s.replace(/\]\(/g, '\\](');
}

/** Link text: square brackets and backslashes are escaped, per SARIF §3.11.6. */
function linkText(s: string): string {
  const t = s.trim() === '' ? 'related location' : s.trim();
  return t.replace(/[\\[\]]/g, (ch) => `\\${ch}`);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
