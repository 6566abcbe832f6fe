import { describe, expect, it } from 'vitest';
import { extractLumenFromMarkdown, lineColOf, makeSourceFile } from './span.js';

describe('literate extraction', () => {
  it('keeps only lumen fences, preserving offsets', () => {
    const md = 'Intro\n```lumen\ncell f() -> Int\n  1\nend\n```\nText\n```python\nx = 1\n```\n';
    const code = extractLumenFromMarkdown(md);
    expect(code.length).toBe(md.length);
    expect(code.split('\n')[2]).toBe('cell f() -> Int');
    expect(code).not.toContain('Intro');
    expect(code).not.toContain('x = 1');
    const file = makeSourceFile('a.lm.md', md);
    expect(lineColOf(file, md.indexOf('cell'))).toEqual({ line: 3, column: 1 });
  });
});
