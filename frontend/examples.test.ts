// The example programs of ../shared/examples are acceptance tests: every one
// must parse without diagnostics, and printing its AST must give source that
// parses back to the same AST.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from './parser.js';
import { printModule } from './printer.js';
import { makeSourceFile } from './span.js';
import { stripSpans } from './dump.js';

const EXAMPLES = new URL('../../shared/examples/', import.meta.url);

function exampleFiles(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (dir: URL, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(new URL(entry.name + '/', dir), prefix + entry.name + '/');
      else if (entry.name.endsWith('.lm') || entry.name.endsWith('.lm.md')) {
        out.push({ name: prefix + entry.name, text: readFileSync(new URL(entry.name, dir), 'utf8') });
      }
    }
  };
  walk(EXAMPLES, '');
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

describe('shared examples', () => {
  const files = exampleFiles();

  it('finds the examples, including modules/ and the literate file', () => {
    const names = files.map((f) => f.name);
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(names).toContain('modules/main.lm');
    expect(names).toContain('literate_account.lm.md');
  });

  for (const { name, text } of files) {
    it(`${name} parses without diagnostics and round-trips through the printer`, () => {
      const r = parse(makeSourceFile(name, text));
      expect(r.diagnostics.map((d) => `${d.code} ${d.message} @${d.span.start}`)).toEqual([]);
      expect(r.module.decls.length).toBeGreaterThan(0);
      const printed = printModule(r.module);
      const again = parse(makeSourceFile(name.replace(/\.md$/, ''), printed));
      expect(again.diagnostics.map((d) => d.message)).toEqual([]);
      expect(stripSpans(again.module.decls)).toEqual(stripSpans(r.module.decls));
      // Printing is a fixpoint.
      expect(printModule(again.module)).toBe(printed);
    });
  }
});
