import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './diagnostics.js';
import { diag } from './diagnostics.js';
import { parse } from './parser.js';
import { renderDiagnostic, renderPlain } from './render.js';
import { makeSourceFile, type SourceFile } from './span.js';

function filesOf(...fs: SourceFile[]): Map<string, SourceFile> {
  return new Map(fs.map((f) => [f.path, f]));
}

const SRC = 'cell f() -> Int\n  let y = x +\n  y\nend\n';
const FILE = makeSourceFile('a.lm', SRC);

describe('renderPlain', () => {
  it('prints one line with file, line and column', () => {
    const d = parse(FILE).diagnostics[0]!;
    expect(renderPlain(d, filesOf(FILE))).toBe('a.lm:2:14: error[E0011]: expected an expression, found end of line');
  });

  it('falls back to the path when the file is unknown', () => {
    const d = diag('E0001', { file: 'gone.lm', start: 3, end: 4 }, ['$']);
    expect(renderPlain(d, new Map())).toBe('gone.lm: error[E0001]: unexpected character `$`');
  });
});

describe('renderDiagnostic', () => {
  it('renders rustc style with an underline under the span', () => {
    const start = SRC.indexOf('x +');
    const d = diag('E0100', { file: 'a.lm', start, end: start + 1 }, ['x']);
    expect(renderDiagnostic(d, filesOf(FILE), { color: false })).toBe(
      ['error[E0100]: cannot find `x` in this scope', ' --> a.lm:2:11', '  |', '2 |   let y = x +', '  |           ^'].join('\n'),
    );
  });

  it('underlines the whole span, on its first line only', () => {
    const start = SRC.indexOf('let');
    const d = diag('E0100', { file: 'a.lm', start, end: SRC.indexOf('end') }, ['y']);
    const lines = renderDiagnostic(d, filesOf(FILE), { color: false }).split('\n');
    expect(lines[4]).toBe('  |   ' + '^'.repeat('let y = x +'.length));
  });

  it('shows one caret for an empty span at the end of a line', () => {
    const d = parse(FILE).diagnostics[0]!;
    const lines = renderDiagnostic(d, filesOf(FILE), { color: false }).split('\n');
    expect(lines[3]).toBe('2 |   let y = x +');
    expect(lines[4]).toBe('  |              ^');
  });

  it('renders notes, help and related locations', () => {
    const src = 'typestate File\n  states A\nend\n';
    const file = makeSourceFile('t.lm', src);
    const base = parse(file).diagnostics[0]!;
    const d: Diagnostic = { ...base, notes: ['a note', ...base.notes], related: [{ span: { file: 't.lm', start: 17, end: 23 }, message: 'states are declared here' }] };
    expect(renderDiagnostic(d, filesOf(file), { color: false })).toBe(
      [
        'error[E0020]: typestate `File` has no `initial` state',
        ' --> t.lm:1:11',
        '  |',
        '1 | typestate File',
        '  |           ^^^^',
        '  |',
        '  = note: a note',
        '  = help: add a line `initial <State>` naming the state of a newly constructed value',
        'note: states are declared here',
        ' --> t.lm:2:3',
        '  |',
        '2 |   states A',
        '  |   ------',
      ].join('\n'),
    );
  });

  it('widens the gutter for large line numbers', () => {
    const src = '\n'.repeat(120) + 'cell f(\n';
    const file = makeSourceFile('big.lm', src);
    const out = renderDiagnostic(parse(file).diagnostics[0]!, filesOf(file), { color: false }).split('\n');
    expect(out[1]).toBe('   --> big.lm:121:1');
    expect(out[3]).toBe('121 | cell f(');
  });

  it('keeps tabs so the underline lines up', () => {
    const src = 'cell f()\n\tlet = 1\nend\n';
    const file = makeSourceFile('tab.lm', src);
    const out = renderDiagnostic(parse(file).diagnostics[0]!, filesOf(file), { color: false }).split('\n');
    expect(out[3]).toBe('2 | \tlet = 1');
    expect(out[4]).toBe('  | \t    ^');
  });

  it('uses ANSI colours only when asked', () => {
    const d = parse(FILE).diagnostics[0]!;
    expect(renderDiagnostic(d, filesOf(FILE), { color: false })).not.toContain('\x1b[');
    const colored = renderDiagnostic(d, filesOf(FILE), { color: true });
    expect(colored).toContain('\x1b[1;31merror[E0011]\x1b[0m');
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderDiagnostic(d, filesOf(FILE), { color: false }));
  });

  it('reports literate files at Markdown lines and shows the Markdown text', () => {
    const md = '# Title\n\nSome prose.\n\n```lumen\ncell f() -> Int\n  1 +\nend\n```\n';
    const file = makeSourceFile('doc.lm.md', md);
    const d = parse(file).diagnostics[0]!;
    expect(renderPlain(d, filesOf(file))).toBe('doc.lm.md:7:6: error[E0011]: expected an expression, found end of line');
    expect(renderDiagnostic(d, filesOf(file), { color: false }).split('\n')[3]).toBe('7 |   1 +');
  });

  it('renders a diagnostic whose file is unknown without an excerpt', () => {
    const d = diag('E0001', { file: 'gone.lm', start: 3, end: 4 }, ['$']);
    expect(renderDiagnostic(d, new Map(), { color: false })).toBe('error[E0001]: unexpected character `$`\n --> gone.lm');
  });
});
