// Golden tests for the parser: each input in testdata/parse/ has an expected
// AST dump (plus one line per diagnostic) next to it. Run with
// UPDATE_GOLDEN=1 to rewrite the expectations, then review the diff.

import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dumpModule } from './dump.js';
import { parse } from './parser.js';
import { renderPlain } from './render.js';
import { makeSourceFile } from './span.js';

const DIR = new URL('./testdata/parse/', import.meta.url);
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function inputs(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.lm') || f.endsWith('.lm.md'))
    .sort();
}

/** The golden text of one input: the AST dump, then the diagnostics. */
function goldenText(name: string, text: string): string {
  const file = makeSourceFile(name, text);
  const { module, diagnostics } = parse(file);
  const files = new Map([[name, file]]);
  const diags = diagnostics.map((d) => renderPlain(d, files));
  return dumpModule(module) + (diags.length > 0 ? '\n# diagnostics\n' + diags.join('\n') + '\n' : '');
}

describe('parser golden files', () => {
  it('has at least 15 inputs', () => {
    expect(inputs().length).toBeGreaterThanOrEqual(15);
  });

  for (const name of inputs()) {
    it(name, () => {
      const text = readFileSync(new URL(name, DIR), 'utf8');
      const actual = goldenText(name, text);
      const expectedUrl = new URL(name.replace(/\.lm(\.md)?$/, '') + '.ast.txt', DIR);
      if (UPDATE || !existsSync(expectedUrl)) {
        writeFileSync(expectedUrl, actual);
        return;
      }
      expect(actual).toBe(readFileSync(expectedUrl, 'utf8'));
    });
  }

  it('reports the five independent errors of errors_five.lm at their lines', () => {
    const text = readFileSync(new URL('errors_five.lm', DIR), 'utf8');
    const file = makeSourceFile('errors_five.lm', text);
    const files = new Map([[file.path, file]]);
    const lines = parse(file).diagnostics.map((d) => renderPlain(d, files).split(':')[1]);
    expect(lines).toEqual(['3', '7', '12', '17', '22']);
  });
});
