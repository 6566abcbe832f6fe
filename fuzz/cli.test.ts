// `lumen fuzz` as the user runs it: options, output formats, exit codes,
// and the seed that replays a campaign. The command is registered on a fresh
// commander program, the way cli/index.ts registers it.

import { Command } from 'commander';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerFuzz } from '../cli/fuzz.js';
import { closeSolver } from '../cli/pipeline.js';
import { testdata } from './testkit.js';

interface Outcome {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

let out: string[] = [];
let err: string[] = [];

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await closeSolver();
});

async function lumen(...args: string[]): Promise<Outcome> {
  out = [];
  err = [];
  const program = new Command().name('lumen').version('0.1.0').exitOverride();
  let exit: Promise<number> = Promise.resolve(0);
  registerFuzz(program, (p) => {
    exit = p;
  });
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = await exit;
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  return { exit: code, stdout: out.join(''), stderr: err.join('') };
}

/** The text report without its one varying part, the duration. */
const stable = (text: string): string => text.replace(/ in \d+\.\d s/g, ' in _ s');

describe('lumen fuzz', () => {
  it('reports a planted bug with its counterexample, the seed and exit code 1', async () => {
    const r = await lumen('fuzz', testdata('overflow_nonneg.lm'), '--seed', '5', '--runs', '50');
    expect(r.exit).toBe(1);
    expect(r.stderr).toContain('lumen fuzz: seed 5');
    expect(r.stdout).toContain('error[overflow]: refuted: integer overflow');
    expect(r.stdout).toMatch(/counterexample \(confirmed by running it\): a = (1|9223372036854775807), b = (1|9223372036854775807)/);
    expect(r.stdout).toContain('fuzz: 1 cell, 50 runs, 1 distinct failure in');
    expect(r.stdout).toContain('replay this campaign with --seed 5');
  });

  it('exits 0 when nothing fails', async () => {
    const r = await lumen('fuzz', testdata('correct.lm'), '--runs', '30', '--seed', '1');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('fuzz: 7 cells, 210 runs, 0 distinct failures');
  });

  it('replays a campaign exactly with --seed', async () => {
    const a = await lumen('fuzz', testdata('shapes.lm'), '--seed', '99', '--runs', '60');
    const b = await lumen('fuzz', testdata('shapes.lm'), '--seed', '99', '--runs', '60');
    expect(a.exit).toBe(1);
    expect(stable(b.stdout)).toBe(stable(a.stdout));
  });

  it('fuzzes one cell with --cell', async () => {
    const r = await lumen('fuzz', testdata('accounts.lm'), '--cell', 'all_non_negative', '--runs', '40', '--seed', '3');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('fuzz: 1 cell, 40 runs');
  });

  it('writes JSON with the failures as checks and a fuzz summary', async () => {
    const r = await lumen('fuzz', testdata('effect_bug.lm'), '--format', 'json', '--seed', '2', '--runs', '50');
    expect(r.exit).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.fuzz.seed).toBe(2);
    expect(json.fuzz.failures).toBe(1);
    expect(json.checks).toHaveLength(1);
    expect(json.checks[0].kind).toBe('div-by-zero');
    expect(json.checks[0].verdict).toBe('refuted');
    expect(json.checks[0].counterexample.inputs).toEqual({ k: '1', 'perform#1': '0' });
  });

  it('writes SARIF whose results carry the check and the counterexample', async () => {
    const r = await lumen('fuzz', testdata('last_element.lm'), '--format', 'sarif', '--seed', '2', '--runs', '20');
    expect(r.exit).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const [result] = sarif.runs[0].results;
    expect(result.properties.check).toBe('index');
    expect(result.properties.verdict).toBe('refuted');
    expect(result.properties.counterexample).toMatchObject({ confirmed: true, inputs: { xs: '[]' } });
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await lumen('fuzz', testdata('correct.lm'), '--runs', 'many')).exit).toBe(2);
    expect((await lumen('fuzz', testdata('correct.lm'), '--seed', '-4')).exit).toBe(2);
    expect((await lumen('fuzz', testdata('correct.lm'), '--time-limit', '0')).exit).toBe(2);
    expect((await lumen('fuzz', testdata('correct.lm'), '--format', 'xml')).exit).toBe(2);
    expect((await lumen('fuzz', testdata('no_such_file.lm'))).exit).toBe(2);
    const r = await lumen('fuzz', testdata('correct.lm'), '--cell', 'nope');
    expect(r.exit).toBe(2);
    expect(r.stderr).toContain('no cell named `nope`');
  });

  it('exits 1 on a program that does not compile', async () => {
    const r = await lumen('fuzz', testdata('type_error.lm'));
    expect(r.exit).toBe(1);
  });

  it('stops at the time limit', async () => {
    const r = await lumen('fuzz', testdata('correct.lm'), '--runs', '10000000', '--time-limit', '0.3', '--seed', '1');
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('the time limit cut the campaign short');
  });

  it('sets process.exitCode when registered without a result callback', async () => {
    const program = new Command().name('lumen').exitOverride();
    registerFuzz(program);
    const saved = process.exitCode;
    try {
      await program.parseAsync(['fuzz', testdata('last_element.lm'), '--runs', '10', '--seed', '1'], { from: 'user' });
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = saved;
    }
  });
});

describe('lumen fuzz --against wasm', () => {
  it('compares every input with the WebAssembly backend', async () => {
    const r = await lumen('fuzz', testdata('last_element.lm'), '--against', 'wasm', '--runs', '30', '--seed', '4');
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('differential: compared with the wasm backend, 0 disagreements');
  });

  it('knows no other backend', async () => {
    expect((await lumen('fuzz', testdata('last_element.lm'), '--against', 'llvm')).exit).toBe(2);
  });
});

describe('lumen fuzz --soundness', () => {
  it('finds no verifier bug in a correct program', async () => {
    const r = await lumen('fuzz', testdata('correct.lm'), '--soundness', '--runs', '30', '--seed', '8');
    expect(r.exit).toBe(0);
  });

  it('a bug the verifier refutes is a plain failure (exit 1), not a soundness bug', async () => {
    const r = await lumen('fuzz', testdata('overflow_add.lm'), '--soundness', '--runs', '30', '--seed', '8');
    expect(r.exit).toBe(1);
    expect(r.stderr).not.toContain('soundness bug');
  });
});
