// End-to-end tests of the `lumen` binary as users run it: exit codes, text,
// SARIF (validated against the official schema) and JSON output, regression
// tests emitted from counterexamples, `lumen run`. They run the compiled
// `dist/cli/main.js` (`npm test` compiles first).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const bin = path.join(repo, 'dist/cli/main.js');
const examples = path.resolve(repo, '../shared/examples');

function lumen(args: string[], cwd = repo): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-cli-'));
}

const schema = JSON.parse(fs.readFileSync(path.join(repo, 'reports/schema/sarif-2.1.0.json'), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(schema);

describe('lumen verify', () => {
  it('exits 1 with the counterexample for a refuted check', () => {
    const r = lumen(['verify', path.join(examples, 'abs.lm')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('abs.lm:6:5: error[overflow]');
    expect(r.stdout).toContain('x = -9223372036854775808');
  });

  it('exits 0 when everything is proved', () => {
    const r = lumen(['verify', path.join(examples, 'clamp.lm')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/checks: \d+ proved, 0 refuted, 0 unknown/);
  });

  it('exits 0 on unknown checks, 1 with --strict', () => {
    const file = path.join(examples, 'fermat_unknown.lm');
    expect(lumen(['verify', '--timeout', '1000', file]).code).toBe(0);
    expect(lumen(['verify', '--timeout', '1000', '--strict', file]).code).toBe(1);
  });

  it('exits 2 on a missing file and on a bad option', () => {
    expect(lumen(['verify', 'no-such-file.lm']).code).toBe(2);
    expect(lumen(['verify', '--format', 'xml', path.join(examples, 'abs.lm')]).code).toBe(2);
  });

  it('writes SARIF that validates against the 2.1.0 schema, with the §10 properties', () => {
    const dir = tmp();
    const out = path.join(dir, 'lumen.sarif');
    const r = lumen(['verify', '--format', 'sarif', '--output', out, path.join(examples, 'average.lm'), path.join(examples, 'percent.lm')]);
    expect(r.code).toBe(1);
    const log = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    expect(log.runs).toHaveLength(1);
    const results = log.runs[0].results as { properties: Record<string, unknown>; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
    const div = results.find((x) => x.properties['check'] === 'div-by-zero');
    expect(div?.properties['verdict']).toBe('refuted');
    expect(div?.locations[0]!.physicalLocation.region.startLine).toBe(10);
    expect((div?.properties['counterexample'] as { inputs: Record<string, string> }).inputs).toEqual({ xs: '[]' });
  });

  it('gives the same SARIF bytes for the same input', () => {
    // Without the cache: two fresh runs, not one run and its cached copy.
    const a = lumen(['verify', '--no-cache', '--format', 'sarif', path.join(examples, 'abs.lm'), path.join(examples, 'clamp_call_bug.lm')]).stdout;
    const b = lumen(['verify', '--no-cache', '--format', 'sarif', path.join(examples, 'abs.lm'), path.join(examples, 'clamp_call_bug.lm')]).stdout;
    expect(a).toBe(b);
  });

  it('reports Markdown lines for a literate file', () => {
    const r = lumen(['verify', '--format', 'json', path.join(examples, 'literate_account.lm.md')]);
    const json = JSON.parse(r.stdout);
    const post = json.checks.find((c: { kind: string; verdict: string }) => c.kind === 'postcondition' && c.verdict === 'refuted');
    expect(post.location.line).toBe(27);
  });

  it('emits regression tests that fail with the same check when run', () => {
    const dir = tmp();
    lumen(['verify', '--emit-tests', dir, path.join(examples, 'effects_budget_bug.lm'), path.join(examples, 'bounds.lm')]);
    const tests = fs.readdirSync(dir).sort();
    expect(tests).toHaveLength(2);
    expect(tests[0]).toMatch(/^bounds\.index\.\d+\.lm$/);
    expect(tests[1]).toMatch(/^effects_budget_bug\.effect-budget\.\d+\.lm$/);
    for (const t of tests) {
      const r = lumen(['run', '--no-verify', path.join(dir, t)]);
      expect(r.code).toBe(1);
      const kind = t.split('.')[1];
      expect(r.stderr).toContain(`runtime error[${kind}]`);
    }
  });

  it('gives identical output from the cache, and survives a corrupt entry', () => {
    const cache = tmp();
    const file = path.join(examples, 'sum_to_bug.lm');
    const cold = lumen(['verify', '--cache-dir', cache, file]);
    const warm = lumen(['verify', '--cache-dir', cache, file]);
    expect(warm.stdout).toBe(cold.stdout);
    const entries = fs.readdirSync(cache).flatMap((d) => fs.readdirSync(path.join(cache, d)).map((f) => path.join(cache, d, f)));
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) fs.writeFileSync(e, '{"status": "uns');
    const repaired = lumen(['verify', '--cache-dir', cache, file]);
    expect(repaired.stdout).toBe(cold.stdout);
    expect(repaired.stderr).toContain('corrupt cache entry');
    const uncached = lumen(['verify', '--no-cache', file]);
    expect(uncached.stdout).toBe(cold.stdout);
  });

  it('writes an audit report', () => {
    const dir = tmp();
    const html = path.join(dir, 'audit.html');
    lumen(['verify', '--report', html, path.join(examples, 'average.lm')]);
    const text = fs.readFileSync(html, 'utf8');
    expect(text).toContain('<html');
    expect(text).toContain('div-by-zero');
    expect(text).toContain('Elision ledger');
    expect(text).toMatch(/1 of 3 checks are elided/);
  });
});

describe('lumen check', () => {
  it('reports frontend errors with code and location, exit 1', () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.lm');
    fs.writeFileSync(file, 'cell f(x: Int) -> Int\n  x + true\nend\n');
    const r = lumen(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/bad\.lm:2:\d+: error\[E\d{4}\]/);
  });

  it('emits frontend errors as SARIF results with properties.check = error', () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.lm');
    fs.writeFileSync(file, 'cell f(x: Int) -> Int\n  y\nend\n');
    const r = lumen(['check', '--format', 'sarif', file]);
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toBe(true);
    expect(log.runs[0].results[0].properties.check).toBe('error');
  });

  it('accepts every shared example', () => {
    const files = fs.readdirSync(examples).filter((f) => f.endsWith('.lm') || f.endsWith('.lm.md'));
    const r = lumen(['check', ...files.map((f) => path.join(examples, f))]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('lumen run', () => {
  it('reproduces the output lines of the examples', () => {
    for (const name of ['clamp.lm', 'gcd.lm', 'binary_search.lm', 'effects_budget.lm', 'halt_unreachable.lm']) {
      const file = path.join(examples, name);
      const expected = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((l) => (l.startsWith('# output: ') ? [l.slice('# output: '.length)] : []));
      const r = lumen(['run', file]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(expected);
    }
  });

  it('gives the same output and the same failure with --no-jit (dispatch loop only)', () => {
    const gcd = path.join(examples, 'gcd.lm');
    expect(lumen(['run', '--no-jit', gcd]).stdout).toBe(lumen(['run', gcd]).stdout);
    const percent = path.join(examples, 'percent.lm');
    const [a, b] = [lumen(['run', '--no-verify', percent]), lumen(['run', '--no-verify', '--no-jit', percent])];
    expect(b.code).toBe(1);
    expect(b.stderr).toBe(a.stderr);
  });

  it('refuses to run a program with a refuted check', () => {
    const r = lumen(['run', path.join(examples, 'percent.lm')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to run');
  });

  it('stops on a runtime check failure with kind, location and a stack trace', () => {
    const r = lumen(['run', '--no-verify', path.join(examples, 'percent.lm')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/percent\.lm:13:\d+: runtime error\[refinement\]/);
    expect(r.stderr).toContain('at main');
  });

  it('checks a refinement nested in a parameter type (`list[Nat]`) at run time, on both targets', () => {
    const file = path.join(tmp(), 'nested.lm');
    fs.writeFileSync(
      file,
      ['type Nat = Int where self >= 0', '', 'cell total(xs: list[Nat]) -> Int', '  len(xs)', 'end', '', 'cell main() -> Null', '  print(total([1, 2]))', '  print(total([3, -5]))', 'end', ''].join('\n'),
    );
    for (const target of ['vm', 'wasm']) {
      const r = lumen(['run', '--no-verify', '--target', target, file]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout.trimEnd()).toBe('2');
      expect(r.stderr).toMatch(/nested\.lm:9:\d+: runtime error\[refinement\]/);
      expect(r.stderr).toContain('forall x in xs => x >= 0');
    }
  });
});
