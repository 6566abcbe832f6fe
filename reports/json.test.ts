import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_VERSION, serializeJson, toJson } from './json.js';
import { toSarif } from './sarif.js';
import { fixture } from './testkit.js';

describe('JSON report', () => {
  it('has the documented top-level shape and summary', () => {
    const j = toJson(fixture().input);
    expect(Object.keys(j)).toEqual(['schemaVersion', 'tool', 'summary', 'checks', 'inferred', 'trusted', 'diagnostics']);
    expect(j.schemaVersion).toBe(JSON_SCHEMA_VERSION);
    expect(j.tool).toEqual({ name: 'lumen-verify', version: '0.1.0', solver: 'z3-wasm', solverVersion: '4.13.0' });
    expect(j.summary).toEqual({
      checks: 8,
      proved: 3,
      refuted: 4,
      unknown: 1,
      confirmed: 1,
      timeMs: 4125,
      byKind: {
        overflow: { proved: 3, refuted: 0, unknown: 0 },
        'div-by-zero': { proved: 0, refuted: 1, unknown: 0 },
        'record-invariant': { proved: 0, refuted: 1, unknown: 0 },
        postcondition: { proved: 0, refuted: 1, unknown: 0 },
        termination: { proved: 0, refuted: 0, unknown: 1 },
        'effect-budget': { proved: 0, refuted: 1, unknown: 0 },
      },
      diagnostics: { error: 1, warning: 1, note: 0 },
    });
  });

  it('lists every check, proved ones included, in source order with locations', () => {
    const j = toJson(fixture().input);
    expect(j.checks.map((c) => [c.location.file, c.location.line, c.kind, c.verdict])).toEqual([
      ['docs/account.lm.md', 11, 'record-invariant', 'refuted'],
      ['docs/account.lm.md', 11, 'overflow', 'proved'],
      ['src/math.lm', 4, 'div-by-zero', 'refuted'],
      ['src/math.lm', 4, 'overflow', 'proved'],
      ['src/math.lm', 9, 'postcondition', 'refuted'],
      ['src/math.lm', 20, 'termination', 'unknown'],
      ['src/math.lm', 22, 'overflow', 'proved'],
      ['src/math.lm', 32, 'effect-budget', 'refuted'],
    ]);
    const div = j.checks.find((c) => c.kind === 'div-by-zero')!;
    expect(div).toMatchObject({
      id: 0,
      cell: 'math.average',
      location: { file: 'src/math.lm', line: 4, column: 3, endLine: 4, endColumn: 16 },
      expr: 'count != 0',
      message: 'Refuted: division by zero: `count` may be 0.',
      timeMs: 31,
      solver: 'z3-wasm 4.13.0',
      key: 'math.average:div-by-zero:count != 0#0',
    });
    expect(div.counterexample).toEqual({
      confirmed: true,
      unrolled: 0,
      inputs: { total: '1', count: '0' },
      parameters: [
        { name: 'total', type: 'Int', value: '1' },
        { name: 'count', type: 'Int', value: '0' },
      ],
      performs: [],
      path: [{ location: { file: 'src/math.lm', line: 4, column: 3, endLine: 4, endColumn: 16 }, what: 'division', values: [{ name: 'count', value: '0' }] }],
    });
    const budget = j.checks.find((c) => c.kind === 'effect-budget')!;
    expect(budget.counterexample!.inputs).toEqual({ url: '"a"', 'perform#1': '"b"', 'perform#2': '""' });
    expect(budget.counterexample!.performs).toEqual([
      { label: 'perform#1', value: '"b"' },
      { label: 'perform#2', value: '""' },
    ]);
    const unknown = j.checks.find((c) => c.verdict === 'unknown')!;
    expect(unknown.reason).toBe('the solver timed out');
    expect(unknown.counterexample).toBeUndefined();
    const proved = j.checks.find((c) => c.verdict === 'proved')!;
    expect(proved.message).toMatch(/^Proved: /);
    expect(proved.reason).toBeUndefined();
  });

  it('carries inferred invariants, the trusted base and diagnostics', () => {
    const j = toJson(fixture().input);
    expect(j.inferred).toEqual([{ cell: 'math.sum_to', location: { file: 'src/math.lm', line: 20, column: 3, endLine: 20, endColumn: 14 }, text: '0 <= i and i <= n' }]);
    expect(j.trusted.map((t) => [t.kind, t.cell, t.location.line, t.text])).toEqual([
      ['assume', 'math.sum_to', 24, 's >= 0'],
      ['extern', 'math.now_ms', 28, 'result >= 0'],
    ]);
    expect(j.diagnostics.map((d) => [d.code, d.name, d.severity, d.location.file, d.location.line])).toEqual([
      ['E0103', 'type-mismatch', 'error', 'docs/account.lm.md', 11],
      ['W0100', 'unnecessary-null-assertion', 'warning', 'src/math.lm', 4],
    ]);
    expect(j.diagnostics[0]!.related).toEqual([{ message: 'declared here', location: { file: 'docs/account.lm.md', line: 10, column: 27, endLine: 10, endColumn: 38 } }]);
    expect(j.diagnostics[0]!.notes).toEqual(['convert with `to_int`']);
  });

  it('shares fingerprints with SARIF and serializes deterministically', () => {
    const f = fixture({ includeProved: true });
    const j = toJson(f.input);
    const sarif = toSarif(f.input).runs[0]!.results!;
    for (const c of j.checks) {
      const r = sarif.find((x) => x.properties?.['key'] === c.key)!;
      expect(r.partialFingerprints!['primaryLocationLineHash']).toBe(c.fingerprint);
    }
    const text = serializeJson(j);
    expect(serializeJson(toJson(fixture({ includeProved: true }).input))).toBe(text);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(j)));
  });
});
