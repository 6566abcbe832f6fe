// Robustness: thousands of damaged versions of the example programs
// (characters and tokens deleted, duplicated or replaced; files truncated)
// must never make the lexer, parser, printer or renderer throw, and every
// diagnostic must point inside its file.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lex } from './lexer.js';
import { parse } from './parser.js';
import { printModule } from './printer.js';
import { renderDiagnostic, renderPlain } from './render.js';
import { makeSourceFile } from './span.js';

const EXAMPLES = new URL('../../shared/examples/', import.meta.url);

function exampleFiles(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (dir: URL, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(new URL(entry.name + '/', dir), prefix + entry.name + '/');
      else if (/\.lm(\.md)?$/.test(entry.name)) out.push({ name: prefix + entry.name, text: readFileSync(new URL(entry.name, dir), 'utf8') });
    }
  };
  walk(EXAMPLES, '');
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = ['(', ')', '[', ']', '{', '}', '"', '\\', '\n', ' ', 'end', 'if', 'match', 'cell', '->', '=>', '..', '-', ':', ',', '#', 'r"', '{x', '@', '\t', '0x', '9999999999999999999999'];

function mutate(text: string, rand: () => number, tokenBounds: readonly [number, number][]): string {
  const pick = (n: number): number => Math.floor(rand() * n);
  let s = text;
  const rounds = 1 + pick(3);
  for (let r = 0; r < rounds; r++) {
    if (s.length === 0) break;
    const i = pick(s.length);
    switch (pick(7)) {
      case 0: // delete characters
        s = s.slice(0, i) + s.slice(i + 1 + pick(4));
        break;
      case 1: // duplicate a range
        s = s.slice(0, i) + s.slice(i, i + 1 + pick(20)) + s.slice(i);
        break;
      case 2: // replace a character with noise
        s = s.slice(0, i) + NOISE[pick(NOISE.length)]! + s.slice(i + 1);
        break;
      case 3: // truncate
        s = s.slice(0, i);
        break;
      case 4: // delete a token
      case 5: // duplicate a token
      case 6: {
        // replace a token with noise
        if (tokenBounds.length === 0 || s !== text) {
          s = s.slice(0, i) + NOISE[pick(NOISE.length)]! + s.slice(i);
          break;
        }
        const [start, end] = tokenBounds[pick(tokenBounds.length)]!;
        const tok = s.slice(start, end);
        const op = pick(3);
        s = s.slice(0, start) + (op === 0 ? '' : op === 1 ? tok + ' ' + tok : NOISE[pick(NOISE.length)]!) + s.slice(end);
        break;
      }
    }
  }
  return s;
}

describe('robustness', () => {
  // ROBUSTNESS_RUNS and ROBUSTNESS_SEED allow longer local fuzzing campaigns.
  const runs = Number(process.env['ROBUSTNESS_RUNS'] ?? 2000);
  const seed = Number(process.env['ROBUSTNESS_SEED'] ?? 20261122);

  it(`survives ${runs} mutated and truncated example files`, () => {
    const examples = exampleFiles().map((ex) => ({
      ...ex,
      bounds: lex(makeSourceFile(ex.name, ex.text))
        .tokens.filter((t) => t.end > t.start)
        .map((t): [number, number] => [t.start, t.end]),
    }));
    const rand = prng(seed);
    let withErrors = 0;
    for (let k = 0; k < runs; k++) {
      const ex = examples[k % examples.length]!;
      const text = mutate(ex.text, rand, ex.bounds);
      const file = makeSourceFile(ex.name, text);
      let result: ReturnType<typeof parse>;
      try {
        lex(file);
        result = parse(file);
        const files = new Map([[file.path, file]]);
        for (const d of result.diagnostics) {
          renderDiagnostic(d, files, { color: true });
          renderPlain(d, files);
        }
        printModule(result.module);
      } catch (e) {
        throw new Error(`case ${k} (${ex.name}) threw ${String(e)} on:\n${text}`);
      }
      expect(result.module.kind).toBe('Module');
      for (const d of result.diagnostics) {
        if (!(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= file.code.length)) {
          throw new Error(`case ${k}: diagnostic ${d.code} span ${d.span.start}..${d.span.end} outside 0..${file.code.length}:\n${text}`);
        }
      }
      if (result.diagnostics.length > 0) withErrors++;
    }
    // The mutations really do break the programs.
    expect(withErrors).toBeGreaterThan(runs / 2);
  }, 120_000);
});
