// Tests of the resolver and type checker: golden diagnostics for every error
// class (testdata/check/*.lm → *.diag.txt, refreshed with UPDATE_GOLDEN=1),
// the shared example programs (no diagnostics, complete side tables), the
// contract details the lowering relies on, module loading through a memory
// host, and robustness (the checker never throws).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as A from './ast.js';
import { walkBlock, walkExpr, walkTypeExpr, type Visitor } from './checker/walk.js';
import { CATALOGUE } from './diagnostics.js';
import { checkFile, checkProgram, lowerProgram, memoryHost, renderPlain, typeToString } from './index.js';
import type { CheckedProgram, LocalSymbol, Symbol, Type } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const goldenDir = path.join(here, 'testdata/check');
const examplesDir = fileURLToPath(new URL('../../shared/examples/', import.meta.url));

/** A host reading files relative to `dir`, so diagnostics show short, stable paths. */
function dirHost(dir: string) {
  return {
    readFile(p: string): string | null {
      try {
        return fs.readFileSync(path.isAbsolute(p) ? p : path.join(dir, p), 'utf8');
      } catch {
        return null;
      }
    },
  };
}

function check(source: string, extra: Record<string, string> = {}) {
  return checkFile('main.lm', memoryHost({ 'main.lm': source, ...extra }));
}

function codes(source: string, extra: Record<string, string> = {}): string[] {
  return check(source, extra).diagnostics.map((d) => d.code);
}

/** Calls `v` on every node of the program's modules, specifications and refinements included. */
function walkProgram(p: CheckedProgram, v: Visitor): void {
  for (const m of p.modules) {
    for (const d of m.ast.decls) {
      if (d.kind === 'Cell' || d.kind === 'Effect') {
        for (const c of d.kind === 'Cell' ? [d] : d.ops) {
          c.params.forEach((x) => walkTypeExpr(x.type, v));
          if (c.ret) walkTypeExpr(c.ret, v);
          c.requires.forEach((e) => walkExpr(e, v));
          c.ensures.forEach((e) => walkExpr(e, v));
          if (c.decreases) walkExpr(c.decreases, v);
          c.effects.forEach((e) => e.maxCalls && walkExpr(e.maxCalls, v));
          if (c.body) walkBlock(c.body, v);
        }
      } else if (d.kind === 'Record') d.fields.forEach((f) => walkTypeExpr(f.type, v));
      else if (d.kind === 'TypeAlias') walkTypeExpr(d.type, v);
    }
  }
}

/** Every node the lowering reads must be in the side tables. */
function missingEntries(p: CheckedProgram): string[] {
  const missing: string[] = [];
  const hasVar = (t: Type): boolean => typeToString(t).includes('_');
  walkProgram(p, {
    expr(e) {
      const t = p.exprTypes.get(e);
      if (!t) missing.push(`exprTypes: ${e.kind} at ${e.span.start}`);
      else if (hasVar(t)) missing.push(`unresolved type ${typeToString(t)} at ${e.span.start}`);
      if (e.kind === 'Name' && !p.names.has(e)) missing.push(`names: ${e.name} at ${e.span.start}`);
      if (e.kind === 'Call' && !p.calls.has(e)) missing.push(`calls: at ${e.span.start}`);
      if (e.kind === 'Quant' && !p.quantVars.has(e)) missing.push(`quantVars: at ${e.span.start}`);
      if (e.kind === 'Perform' && !p.effectOps.has(e)) missing.push(`effectOps: perform at ${e.span.start}`);
      if (e.kind === 'Handle') {
        for (const h of e.handlers) {
          if (!p.effectOps.has(h) || !p.handlerParams.has(h)) missing.push(`handler at ${h.span.start}`);
        }
      }
    },
    pattern(pt) {
      if ((pt.kind === 'PBind' || pt.kind === 'PCtor' || pt.kind === 'PType') && !p.patterns.has(pt)) missing.push(`patterns: ${pt.kind} at ${pt.span.start}`);
    },
    stmt(s) {
      if (s.kind === 'Let' && (s.type !== null) !== p.letTypes.has(s)) missing.push(`letTypes at ${s.span.start}`);
    },
  });
  return missing;
}

// ---------------------------------------------------------------- golden files

describe('golden diagnostics (testdata/check)', () => {
  const inputs = fs.readdirSync(goldenDir).filter((f) => f.endsWith('.lm') || f.endsWith('.lm.md')).sort();

  it('covers the error classes with at least 40 cases', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of inputs) {
    it(name, () => {
      const r = checkFile(name, dirHost(goldenDir));
      expect(r.program).not.toBeNull();
      const text = r.diagnostics.map((d) => renderPlain(d, r.files) + '\n').join('');
      const expectedPath = path.join(goldenDir, name.replace(/\.lm(\.md)?$/, '.diag.txt'));
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(expectedPath, text);
      expect(fs.existsSync(expectedPath), `missing ${expectedPath}; run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(fs.readFileSync(expectedPath, 'utf8'));
      expect(r.diagnostics.some((d) => d.code === 'E0399')).toBe(false);
    });
  }

  it('every error class of the catalogue that the checker can report has a golden case', () => {
    const seen = new Set<string>();
    for (const f of fs.readdirSync(goldenDir).filter((x) => x.endsWith('.diag.txt'))) {
      for (const m of fs.readFileSync(path.join(goldenDir, f), 'utf8').matchAll(/\[(E\d{4}|W\d{4})\]/g)) seen.add(m[1]!);
    }
    // Codes that cannot be produced from a parsed program (guards against parser changes and internal bugs).
    const unreachable = new Set(['E0119', 'E0220', 'E0399']);
    const checkerCodes = CATALOGUE.filter((e) => /^[EW]0[1-3]\d\d$/.test(e.code) && !unreachable.has(e.code)).map((e) => e.code);
    expect(checkerCodes.filter((c) => !seen.has(c))).toEqual([]);
  });
});

// ---------------------------------------------------------------- shared examples

function exampleFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.lm') || e.name.endsWith('.lm.md')) out.push(p);
    }
  };
  walk(examplesDir);
  return out.sort();
}

describe('shared examples', () => {
  const files = exampleFiles();

  it('finds the examples, the modules and the literate file', () => {
    expect(files.some((f) => f.endsWith('modules/main.lm'))).toBe(true);
    expect(files.some((f) => f.endsWith('literate_account.lm.md'))).toBe(true);
  });

  for (const file of files) {
    const rel = path.relative(examplesDir, file);
    it(`${rel}: no diagnostics, complete side tables, lowers`, () => {
      const r = checkFile(file, dirHost('/'));
      expect(r.diagnostics.map((d) => renderPlain(d, r.files))).toEqual([]);
      const p = r.program!;
      expect(missingEntries(p)).toEqual([]);
      expect(() => lowerProgram(p)).not.toThrow();
    });
  }
});

// ---------------------------------------------------------------- the contract

describe('side tables', () => {
  it('binds refinements to the parameter, self, result and fields, and resolves names in them', () => {
    const r = check(
      [
        'type Percent = Int where self >= 0 and self <= 100',
        'record Range',
        '  lo: Int where lo >= 0',
        '  hi: Int where lo <= hi',
        'end',
        'cell f(a: Int where a > 0, b: Percent where b > a) -> Int where result > a',
        '  ensures result >= b',
        '  a + b',
        'end',
      ].join('\n'),
    );
    expect(r.diagnostics).toEqual([]);
    const p = r.program!;
    const f = p.cells.find((c) => c.name === 'f')!;
    expect(f.paramTypes[0]!.refinements.map((x) => x.binder)).toEqual([f.params[0]]);
    const b = f.paramTypes[1]!.refinements;
    expect(b.map((x) => x.binder.kind)).toEqual(['SelfRef', 'Local']);
    expect(b[1]!.binder).toBe(f.params[1]);
    expect(f.ret.refinements[0]!.binder).toEqual({ kind: 'ResultRef', cell: f });
    const range = p.records.find((x) => x.name === 'Range')!;
    const hi = range.fields[1]!;
    expect(hi.type.refinements[0]!.binder).toEqual({ kind: 'FieldRef', record: range, field: hi });
    // Names inside predicates.
    const pred = hi.type.refinements[0]!.predicate as A.BinaryExpr;
    expect(p.names.get(pred.left as A.NameExpr)).toMatchObject({ kind: 'FieldRef', field: range.fields[0] });
    const retPred = f.ret.refinements[0]!.predicate as A.BinaryExpr;
    expect(p.names.get(retPred.left as A.NameExpr)!.kind).toBe('ResultRef');
    expect(p.names.get(retPred.right as A.NameExpr)).toBe(f.params[0]);
    const aliasPred = b[0]!.predicate as A.BinaryExpr;
    expect(p.names.get((aliasPred.left as A.BinaryExpr).left as A.NameExpr)).toEqual({ kind: 'SelfRef' });
  });

  it('lists call arguments in declaration order, whatever the call-site order', () => {
    const r = check('cell clamp(v: Int, lo: Int, hi: Int) -> Int\n  v\nend\ncell g() -> Int\n  clamp(15, hi: 10, lo: 0)\nend\n');
    const p = r.program!;
    const call = [...p.calls.entries()].find(([, t]) => t.kind === 'Cell')!;
    const target = call[1] as Extract<ReturnType<typeof p.calls.get>, { kind: 'Cell' }>;
    expect(target.args.map((a) => a.name?.name ?? null)).toEqual([null, 'lo', 'hi']);
  });

  it('records the narrowed type at each name occurrence', () => {
    const r = check('cell f(x: Int?) -> Int\n  if x == null\n    return 0\n  end\n  x + 1\nend\n');
    expect(r.diagnostics).toEqual([]);
    const p = r.program!;
    const types = [...p.names.entries()].filter(([n]) => n.name === 'x').map(([n]) => typeToString(p.exprTypes.get(n)!));
    expect(types).toEqual(['Int?', 'Int']);
  });

  it('fixes `[]` by a later `push`, and defaults an unconstrained element type', () => {
    const r = check('cell f(s: String) -> Int\n  let mut out = []\n  out = push(out, s)\n  let e = []\n  len(out) + len(e)\nend\n');
    expect(r.diagnostics).toEqual([]);
    const p = r.program!;
    const lets = new Map<string, Type>();
    for (const [pat, t] of p.patterns) if (t.kind === 'Bind') lets.set((pat as A.BindPattern).name.name, t.local.type);
    expect(typeToString(lets.get('out')!)).toBe('list[String]');
    expect(typeToString(lets.get('e')!)).toBe('list[Int]');
    expect(missingEntries(p)).toEqual([]);
  });

  it('gives unique, deterministic local ids', () => {
    const src = fs.readFileSync(path.join(examplesDir, 'binary_search.lm'), 'utf8');
    const ids = (): number[] => {
      const p = check(src).program!;
      const locals = new Set<LocalSymbol>();
      for (const s of p.names.values()) if (s.kind === 'Local') locals.add(s);
      for (const c of p.cells) c.params.forEach((x) => locals.add(x));
      return [...locals].map((l) => l.id).sort((a, b) => a - b);
    };
    const first = ids();
    expect(new Set(first).size).toBe(first.length);
    expect(ids()).toEqual(first);
  });

  it('qualifies imported declarations and keeps root names plain', () => {
    const r = checkFile(path.join(examplesDir, 'modules/main.lm'), dirHost('/'));
    const p = r.program!;
    expect(p.modules.map((m) => m.name)).toEqual(['geometry', 'main']);
    expect(p.cells.map((c) => c.qualifiedName).sort()).toEqual(['geometry.manhattan', 'main']);
    expect(p.records.map((x) => x.qualifiedName)).toEqual(['geometry.Point']);
  });

  it('maps a bare payload-less variant in a pattern to the variant, and a binder to a local', () => {
    const r = check('enum E\n  A\n  B(Int)\nend\ncell f(e: E) -> Int\n  match e\n    A -> 0\n    B(n) -> n\n  end\nend\n');
    expect(r.diagnostics).toEqual([]);
    const kinds = [...r.program!.patterns.entries()].map(([pt, t]) => `${pt.kind}:${t.kind}`);
    expect(kinds).toEqual(['PBind:Variant', 'PBind:Bind', 'PCtor:Variant']);
  });

  it('records handler parameters and effect operations', () => {
    const r = check(fs.readFileSync(path.join(examplesDir, 'effects_budget.lm'), 'utf8'));
    const p = r.program!;
    const [handler, params] = [...p.handlerParams.entries()][0]!;
    expect(params.map((l) => `${l.name}: ${typeToString(l.type)}`)).toEqual(['url: String']);
    expect(p.effectOps.get(handler)!.qualifiedName).toBe('Net.get');
    expect(p.cells.some((c) => c.qualifiedName === 'Net.get' && c.effectOp !== null)).toBe(true);
  });

  it('resolves `state(f) == Open` to the typestate and its state', () => {
    const p = check(fs.readFileSync(path.join(examplesDir, 'typestate.lm'), 'utf8')).program!;
    const states = [...p.names.values()].filter((s): s is Extract<Symbol, { kind: 'State' }> => s.kind === 'State');
    expect(states.map((s) => `${s.state}#${s.index}`)).toContain('Open#1');
    expect(p.typestates[0]!.transitions.map((t) => t.cell.name)).toEqual(['open', 'read', 'close', 'try_open']);
    expect(p.records[0]!.typestate).toBe(p.typestates[0]);
  });
});

describe('helpful messages', () => {
  const notesOf = (src: string): string[] => check(src).diagnostics.flatMap((d) => d.notes);

  it('suggests close names for locals, cells, fields, variants and types', () => {
    expect(notesOf('cell f(total: Int) -> Int\n  totl + 1\nend\n')).toContain('did you mean `total`?');
    expect(notesOf('cell helper() -> Int\n  1\nend\ncell f() -> Int\n  helpr()\nend\n')).toContain('did you mean `helper`?');
    expect(notesOf('record P\n  width: Int\nend\ncell f(p: P) -> Int\n  p.widht\nend\n')).toContain('did you mean `width`?');
    expect(notesOf('enum E\n  Active\n  Closed\nend\ncell f() -> E\n  E.Activ\nend\n')).toContain('did you mean `Active`?');
    expect(notesOf('cell f(x: Strng) -> Int\n  0\nend\n')).toContain('did you mean `String`?');
  });

  it('explains Int/Float mixing and nullable values', () => {
    expect(notesOf('cell f(x: Float) -> Float\n  x + 1\nend\n').join(' ')).toContain('to_float');
    expect(notesOf('cell f(x: Int?) -> Int\n  x\nend\n').join(' ')).toContain('`!= null`');
  });
});

// ---------------------------------------------------------------- modules

describe('modules through a memory host', () => {
  it('reports a missing module without failing', () => {
    const r = check('import nowhere: thing\ncell main() -> Null\n  print(1)\nend\n');
    expect(r.program).not.toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0050']);
  });

  it('reports an import cycle without failing', () => {
    const r = check('import a: f\ncell main() -> Null\n  print(f())\nend\n', {
      'a.lm': 'import b: g\npub cell f() -> Int\n  g()\nend\n',
      'b.lm': 'import a: f\npub cell g() -> Int\n  1\nend\n',
    });
    expect(r.program).not.toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toContain('E0051');
    expect(r.diagnostics.map((d) => d.code)).not.toContain('E0399');
  });

  it('returns no program when the root file cannot be read', () => {
    const r = checkFile('absent.lm', memoryHost({}));
    expect(r.program).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0054']);
  });

  it('imports with aliases and reports clashes with local names', () => {
    const lib = 'pub cell size() -> Int\n  1\nend\n';
    expect(codes('import lib: size as n\ncell f() -> Int\n  n()\nend\n', { 'lib.lm': lib })).toEqual([]);
    expect(codes('import lib: size\ncell size() -> Int\n  2\nend\n', { 'lib.lm': lib })).toEqual(['E0102']);
  });
});

// ---------------------------------------------------------------- catalogue and robustness

describe('catalogue', () => {
  it('has unique codes', () => {
    const all = CATALOGUE.map((e) => e.code);
    expect(new Set(all).size).toBe(all.length);
  });

  it('contains every code the checker sources mention', () => {
    const dir = path.join(here, 'checker');
    const known = new Set(CATALOGUE.map((e) => e.code));
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/'([EW]\d{4})'/g)) expect(known.has(m[1]!), `${f}: ${m[1]}`).toBe(true);
    }
  });
});

describe('robustness', () => {
  it('checks an empty module list without failing', () => {
    const r = checkProgram([]);
    expect(r.diagnostics).toEqual([]);
    expect(r.program.cells).toEqual([]);
  });

  const sources = exampleFiles()
    .filter((f) => f.endsWith('.lm'))
    .map((f) => fs.readFileSync(f, 'utf8'));
  const golden = fs
    .readdirSync(goldenDir)
    .filter((f) => f.endsWith('.lm'))
    .map((f) => fs.readFileSync(path.join(goldenDir, f), 'utf8'));
  const corpus = [...sources, ...golden];

  it('never throws and never reports an internal error on damaged programs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom('', ' ', '\n', 'x', '(', ')', 'end', ':', '?', 'null', '..', '=', 'mut ref ')), { maxLength: 4 }),
        (which, edits) => {
          let text = corpus[which]!;
          for (const [at, len, insert] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + len);
          }
          const r = check(text);
          expect(r.diagnostics.filter((d) => d.code === 'E0399').map((d) => d.message)).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
