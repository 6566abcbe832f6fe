import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type * as sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../frontend/diagnostics.js';
import { CHECK_KINDS } from '../frontend/ir.js';
import { makeSourceFile } from '../frontend/span.js';
import type { CheckResult } from '../verifier/verify.js';
import { encodePath, relativeTo, rootUri } from './model.js';
import { RULES } from './rules.js';
import { GITHUB_LIMITS, serializeSarif, toSarif } from './sarif.js';
import { cx, fixture, makeCheck, result, spanOf } from './testkit.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The official schema: from the installed multitool if present, else the vendored copy. */
function loadSchema(): object {
  let file = path.join(here, 'schema', 'sarif-2.1.0.json');
  try {
    const require = createRequire(import.meta.url);
    file = path.join(path.dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json')), 'sarif-2.1.0.json');
  } catch {
    // Not installed (another platform, or optional dependencies omitted).
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as object;
}

// CJS default-export interop differs between bundlers; take whichever is the constructor.
const AjvCtor = ((Ajv2020 as unknown as { default?: unknown }).default ?? Ajv2020) as typeof Ajv2020;
const addFormatsFn = ((addFormats as unknown as { default?: unknown }).default ?? addFormats) as typeof addFormats;
const ajv = new AjvCtor({ allErrors: true, strict: false });
addFormatsFn(ajv);
const validate = ajv.compile(loadSchema());

function expectValid(log: sarif.Log): void {
  const ok = validate(JSON.parse(serializeSarif(log)));
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

function results(log: sarif.Log): sarif.Result[] {
  return log.runs[0]!.results!;
}

function byCheck(log: sarif.Log, kind: string): sarif.Result {
  const r = results(log).find((x) => x.properties?.['check'] === kind);
  if (!r) throw new Error(`no result for ${kind}`);
  return r;
}

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 schema, with and without proved checks', () => {
    expectValid(toSarif(fixture().input));
    expectValid(toSarif(fixture({ includeProved: true }).input));
    // `lumen check` on a file with errors only.
    expectValid(toSarif({ ...fixture().input, results: [], inferred: [], trusted: [] }));
    // Nothing at all.
    expectValid(toSarif({ ...fixture().input, results: [], diagnostics: [] }));
  });

  it('has one run with the category, the tool and every rule', () => {
    const log = toSarif(fixture().input);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.automationDetails?.id).toBe('lumen-verify/src/');
    expect(run.tool.driver).toMatchObject({ name: 'lumen-verify', version: '0.1.0', semanticVersion: '0.1.0' });
    const ids = run.tool.driver.rules!.map((r) => r.id);
    for (const k of CHECK_KINDS) expect(ids).toContain(k);
    for (const e of CATALOGUE) expect(ids).toContain(e.code);
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///repo/' } });
    // Every result's ruleIndex points at its rule.
    for (const r of results(log)) expect(run.tool.driver.rules![r.ruleIndex!]!.id).toBe(r.ruleId);
  });

  it('normalizes the category like upload-sarif, and leaves it out when empty', () => {
    expect(toSarif({ ...fixture().input, automationId: 'lumen' }).runs[0]!.automationDetails).toEqual({ id: 'lumen/' });
    expect(toSarif({ ...fixture().input, automationId: 'lumen/services/' }).runs[0]!.automationDetails).toEqual({ id: 'lumen/services/' });
    const none = toSarif({ ...fixture().input, automationId: '' });
    expect(none.runs[0]!.automationDetails).toBeUndefined();
    expectValid(none);
  });

  it('emits refuted (error), unknown (warning) and diagnostics, and proved only when asked', () => {
    const log = toSarif(fixture().input);
    const levels = results(log).map((r) => [r.properties?.['check'], r.properties?.['verdict'] ?? null, r.level]);
    expect(levels).toContainEqual(['div-by-zero', 'refuted', 'error']);
    expect(levels).toContainEqual(['termination', 'unknown', 'warning']);
    expect(levels).toContainEqual(['error', null, 'error']);
    expect(levels).toContainEqual(['error', null, 'warning']);
    expect(levels.filter(([, v]) => v === 'proved')).toEqual([]);
    expect(results(log)).toHaveLength(4 + 1 + 2);

    const withProved = toSarif(fixture({ includeProved: true }).input);
    const proved = results(withProved).filter((r) => r.properties?.['verdict'] === 'proved');
    expect(proved).toHaveLength(3);
    for (const r of proved) {
      expect(r.kind).toBe('pass');
      expect(r.level).toBe('none');
    }
  });

  it('follows the machine-readable contract of LANGUAGE.md §10', () => {
    const log = toSarif({ ...fixture().input, timings: true });
    for (const r of results(log)) {
      expect([...CHECK_KINDS, 'error']).toContain(r.properties?.['check']);
      if (r.properties?.['check'] !== 'error') expect(['refuted', 'unknown']).toContain(r.properties?.['verdict']);
    }
    const div = byCheck(log, 'div-by-zero');
    expect(div.properties).toMatchObject({
      check: 'div-by-zero',
      verdict: 'refuted',
      counterexample: { confirmed: true, inputs: { total: '1', count: '0' } },
      solver: 'z3-wasm 4.13.0',
      timeMs: 31,
      checkId: 0,
      key: 'math.average:div-by-zero:count != 0#0',
    });
    const budget = byCheck(log, 'effect-budget');
    expect(budget.properties?.['counterexample']).toEqual({
      confirmed: false,
      inputs: { url: '"a"', 'perform#1': '"b"', 'perform#2': '""' },
      unrolled: 0,
    });
    expect(Object.keys((budget.properties?.['counterexample'] as { inputs: object }).inputs)).toEqual(['url', 'perform#1', 'perform#2']);
    expect(byCheck(log, 'termination').properties?.['reason']).toBe('the solver timed out');
  });

  it('leaves solver times out unless asked, so the bytes do not change between runs', () => {
    const log = toSarif(fixture().input);
    expect(byCheck(log, 'div-by-zero').properties).not.toHaveProperty('timeMs');
    expect(log.runs[0]!.properties?.['summary']).not.toHaveProperty('timeMs');
  });

  it('locates results relative to the root with full regions, in Markdown lines for .lm.md', () => {
    const log = toSarif(fixture().input);
    const div = byCheck(log, 'div-by-zero').locations![0]!.physicalLocation!;
    expect(div.artifactLocation).toEqual({ uri: 'src/math.lm', uriBaseId: '%SRCROOT%' });
    expect(div.region).toEqual({ startLine: 4, startColumn: 3, endLine: 4, endColumn: 16 });
    const rec = byCheck(log, 'record-invariant').locations![0]!.physicalLocation!;
    expect(rec.artifactLocation?.uri).toBe('docs/account.lm.md');
    expect(rec.region).toEqual({ startLine: 11, startColumn: 3, endLine: 11, endColumn: 39 });
    // A multi-line related span (the `v … end` of clamp).
    const post = byCheck(log, 'postcondition').relatedLocations![0]!.physicalLocation!.region!;
    expect(post).toMatchObject({ startLine: 13, startColumn: 5, endLine: 14, endColumn: 6 });
  });

  it('links related locations from the message with matching ids', () => {
    const log = toSarif(fixture().input);
    const post = byCheck(log, 'postcondition');
    expect(post.message.text).toContain('[the return value \\[result\\]](1)');
    expect(post.relatedLocations![0]!.id).toBe(1);
    expect(post.relatedLocations![0]!.message?.text).toBe('the return value [result]');
    const e0103 = results(log).find((r) => r.ruleId === 'E0103')!;
    expect(e0103.message.text).toBe('mismatched types: expected `Int`, found `String`. convert with `to_int`. See [declared here](1).');
    expect(e0103.relatedLocations![0]!.id).toBe(1);
    for (const r of results(log)) {
      const links = [...r.message.text!.matchAll(/\]\((\d+)\)/g)].map((m) => Number(m[1]));
      expect(links.sort()).toEqual((r.relatedLocations ?? []).map((l) => l.id).sort());
    }
  });

  it('shows a refuted check’s counterexample as an inline thread flow with values', () => {
    const log = toSarif(fixture().input);
    const flow = byCheck(log, 'postcondition').codeFlows![0]!.threadFlows[0]!.locations;
    expect(flow.map((l) => l.location?.message?.text)).toEqual([
      'inputs: v = 5, lo = 0, hi = 3',
      'condition is false',
      'return: result = 5',
      'fails here: postcondition `lo <= result and result <= hi` may not hold',
    ]);
    expect(flow[0]!.state).toEqual({ v: { text: '5' }, lo: { text: '0' }, hi: { text: '3' } });
    expect(flow[2]!.state).toEqual({ result: { text: '5' } });
    for (const l of flow) expect(l.location?.physicalLocation?.region?.startLine).toBeGreaterThan(0);
    // Unknown checks have no path.
    expect(byCheck(log, 'termination').codeFlows).toBeUndefined();
  });

  it('is deterministic: the same input gives the same bytes, whatever the input order', () => {
    const a = serializeSarif(toSarif(fixture().input));
    const b = serializeSarif(toSarif(fixture().input));
    expect(a).toBe(b);
    const f = fixture().input;
    const reversed = { ...f, results: [...f.results].reverse(), diagnostics: [...f.diagnostics].reverse() };
    expect(serializeSarif(toSarif(reversed))).toBe(a);
    // Sorted by file, then line and column.
    const order = results(JSON.parse(a) as sarif.Log).map((r) => {
      const p = r.locations![0]!.physicalLocation!;
      return [p.artifactLocation!.uri!, p.region!.startLine!, p.region!.startColumn!] as const;
    });
    const sorted = [...order].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2]));
    expect(order).toEqual(sorted);
  });

  it('keeps fingerprints when lines are inserted above and an unrelated check is added', () => {
    const fingerprints = (log: sarif.Log) =>
      new Map(
        results(log).map((r) => [
          `${String(r.properties?.['key'] ?? r.ruleId)}|${r.message.text}`,
          [r.partialFingerprints!['primaryLocationLineHash']!, r.locations![0]!.physicalLocation!.region!.startLine!] as const,
        ]),
      );
    const before = fingerprints(toSarif(fixture().input));

    const prefix = '\ncell helper(x: Int) -> Int\n  x + 1\nend\n';
    const shifted = fixture({ prefix });
    const extra = makeCheck(6, 'overflow', 'math.helper', spanOf(shifted.math, 'x + 1'), 'x + 1');
    const input = { ...shifted.input, results: [...shifted.input.results, result(extra, { kind: 'unknown', reason: 'the solver timed out' })] };
    const after = fingerprints(toSarif(input));

    expect(after.size).toBe(before.size + 1);
    for (const [key, [hash, line]] of before) {
      expect(hash).toMatch(/^[0-9a-f]{16}:\d+$/);
      const now = after.get(key);
      expect(now, key).toBeDefined();
      expect(now![0], key).toBe(hash);
      expect(now![1], key).toBeGreaterThan(line);
    }
    // The new check has a fingerprint of its own.
    const all = [...after.values()].map(([h]) => h);
    expect(new Set(all).size).toBe(all.length);
  });

  it('numbers repeated fingerprints as occurrences', () => {
    const f = fixture();
    const dup = f.input.results.find((r) => r.check.kind === 'div-by-zero')!;
    const twice = { ...f.input, results: [...f.input.results, { ...dup, check: { ...dup.check, id: 99 } }] };
    const prints = results(toSarif(twice))
      .filter((r) => r.properties?.['check'] === 'div-by-zero')
      .map((r) => r.partialFingerprints!['primaryLocationLineHash']!);
    expect(prints).toHaveLength(2);
    expect(prints[0]!.split(':')[0]).toBe(prints[1]!.split(':')[0]);
    expect(prints.map((p) => p.split(':')[1]).sort()).toEqual(['1', '2']);
  });

  it('stays within GitHub’s limits for 30,000 results, keeping errors first, with a note', () => {
    const n = 30_000;
    const lines = Array.from({ length: n }, (_, i) => `  let v${i} = a${i} // b${i}`);
    const file = makeSourceFile('src/big.lm', `${lines.join('\n')}\n`);
    const many: CheckResult[] = [];
    for (let i = 0; i < n; i++) {
      const start = file.lineStarts[i]! + 2;
      const check = makeCheck(i, 'div-by-zero', `big.c${i % 50}`, { file: file.path, start, end: start + lines[i]!.length - 2 }, `b${i} != 0`);
      many.push(
        i % 10 === 0
          ? result(check, { kind: 'refuted', confirmed: false, counterexample: cx([[`b${i}`, '0']]) }, 1)
          : result(check, { kind: 'unknown', reason: 'the solver timed out' }, 1),
      );
    }
    const input = { ...fixture().input, files: new Map([[file.path, file]]), results: many, diagnostics: [] };
    const log = toSarif(input);
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(GITHUB_LIMITS.maxResultsPerRun);
    expect(run.tool.driver.rules!.length).toBeLessThanOrEqual(GITHUB_LIMITS.maxRulesPerRun);
    // All 3,000 errors are kept; warnings fill the rest.
    expect(run.results!.filter((r) => r.level === 'error')).toHaveLength(3_000);
    expect(run.properties?.['truncated']).toMatchObject({ omittedResults: 5_000, totalResults: n });
    expect(run.invocations![0]!.toolExecutionNotifications![0]!.message.text).toContain('5000 of 30000 results were omitted');
    const text = serializeSarif(log);
    expect(gzipSync(text).length).toBeLessThanOrEqual(GITHUB_LIMITS.maxGzipBytes);
    // (One assertion over maxima: 25,000 `expect` calls would dominate the test's time.)
    let maxLocations = 0;
    let maxFlow = 0;
    for (const r of run.results!) {
      maxLocations = Math.max(maxLocations, (r.locations ?? []).length + (r.relatedLocations ?? []).length);
      for (const f of r.codeFlows ?? []) for (const t of f.threadFlows) maxFlow = Math.max(maxFlow, t.locations.length);
    }
    expect(maxLocations).toBeLessThanOrEqual(GITHUB_LIMITS.maxLocationsPerResult);
    expect(maxFlow).toBeLessThanOrEqual(GITHUB_LIMITS.maxThreadFlowLocationsPerResult);
  }, 60_000);

  it('drops results until the gzipped file fits, and truncates long paths and related lists', () => {
    const f = fixture();
    const div = f.input.results[0]!;
    const v = div.verdict;
    if (v.kind !== 'refuted') throw new Error('fixture changed');
    const step = v.counterexample.path[0]!;
    const long = { ...div, verdict: { ...v, counterexample: { ...v.counterexample, path: Array.from({ length: 50 }, () => step) } } };
    const related = Array.from({ length: 30 }, () => ({ span: div.check.span, message: 'here' }));
    const wide = result({ ...div.check, id: 50, key: 'wide#0', related }, { kind: 'unknown', reason: 'timeout' });
    const input = { ...f.input, results: [long, wide, ...f.input.results.slice(1)] };
    const log = toSarif(input, { limits: { maxThreadFlowLocationsPerResult: 10, maxLocationsPerResult: 5 } });
    expectValid(log);
    const flow = results(log).find((r) => r.properties?.['key'] === div.check.key)!.codeFlows![0]!.threadFlows[0]!.locations;
    expect(flow).toHaveLength(10);
    expect(flow[8]!.location?.message?.text).toMatch(/more steps omitted/);
    expect(flow[9]!.location?.message?.text).toMatch(/^fails here/);
    expect(results(log).find((r) => r.properties?.['key'] === 'wide#0')!.relatedLocations).toHaveLength(4);

    const full = serializeSarif(toSarif(f.input));
    const budget = Math.floor(gzipSync(full).length * 0.9);
    const small = toSarif(f.input, { limits: { maxGzipBytes: budget } });
    expectValid(small);
    expect(gzipSync(serializeSarif(small)).length).toBeLessThanOrEqual(budget);
    expect(small.runs[0]!.results!.length).toBeLessThan(results(JSON.parse(full) as sarif.Log).length);
    expect(small.runs[0]!.properties?.['truncated']).toBeDefined();
    expect(gunzipSync(gzipSync(full)).toString()).toBe(full);
  });
});

describe('rules', () => {
  it('respect GitHub’s limits and have no empty strings', () => {
    expect(RULES.length).toBe(CHECK_KINDS.length + new Set(CATALOGUE.map((e) => e.code)).size);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.name!.length).toBeGreaterThan(0);
      expect(r.name!.length).toBeLessThanOrEqual(255);
      // SARIF1001: a name identical to the id is discouraged.
      expect(r.name).not.toBe(r.id);
      for (const s of [r.shortDescription!.text, r.fullDescription!.text, r.help!.text, r.help!.markdown!]) expect(s.trim().length).toBeGreaterThan(0);
      expect(r.shortDescription!.text.length).toBeLessThanOrEqual(1024);
      expect(r.fullDescription!.text.length).toBeLessThanOrEqual(1024);
      expect((r.properties!.tags ?? []).length).toBeLessThanOrEqual(20);
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration!.level);
      expect(r.properties!['precision']).toBe('very-high');
      expect(['error', 'warning', 'recommendation']).toContain(r.properties!['problem.severity']);
      expect(JSON.stringify(r)).not.toMatch(/\{\d\}/);
    }
  });

  it('give every check kind a Lumen example, refuted and fixed', () => {
    for (const k of CHECK_KINDS) {
      const r = RULES.find((x) => x.id === k)!;
      expect(r.help!.markdown!.match(/```lumen\n/g), k).toHaveLength(2);
      expect(r.help!.text, k).toContain('How to fix:');
    }
  });
});

describe('paths and URIs', () => {
  it('are relative to the root, lexically, and percent-encoded', () => {
    expect(relativeTo('/repo', '/repo', 'src/a.lm')).toBe('src/a.lm');
    expect(relativeTo('/repo', '/repo/src', 'a.lm')).toBe('src/a.lm');
    expect(relativeTo('/repo/', '/elsewhere', '/repo/x/../y/b.lm.md')).toBe('y/b.lm.md');
    expect(relativeTo('C:\\work\\repo', 'C:\\work\\repo', 'C:\\work\\repo\\src\\a.lm')).toBe('src/a.lm');
    expect(relativeTo('.', '.', './src/a.lm')).toBe('src/a.lm');
    expect(relativeTo('/repo', '/repo', '/other/a.lm')).toBe('../other/a.lm');
    expect(encodePath('my dir/ä#1.lm')).toBe('my%20dir/%C3%A4%231.lm');
    expect(rootUri('/home/runner/work/x y')).toBe('file:///home/runner/work/x%20y/');
    expect(rootUri('relative')).toBeNull();
  });
});
