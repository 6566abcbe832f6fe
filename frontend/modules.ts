// Module loading: starting from the root file, finds every imported module
// (`import utils: …` reads `utils.lm`, else `utils.lm.md`, next to the
// importing file), parses each file exactly once, orders the modules so that
// every module comes after the modules it imports (the root last), and checks
// the imported names against the imported module's `pub` declarations.
//
// All IO goes through `SourceHost`, so the loader runs on an in-memory map in
// tests; missing files and import cycles are diagnostics, never exceptions.

import type * as A from './ast.js';
import { diag, type Diagnostic } from './diagnostics.js';
import { parse } from './parser.js';
import { makeSourceFile, type SourceFile, type Span } from './span.js';

/** The only way the frontend reads files. */
export interface SourceHost {
  /** The file's text, or null when it does not exist or cannot be read. */
  readFile(path: string): string | null;
}

export interface LoadedModule {
  /** The module name: the file name without `.lm` / `.lm.md`. */
  readonly name: string;
  readonly file: string;
  readonly ast: A.Module;
}

export interface LoadedProgram {
  readonly files: Map<string, SourceFile>;
  /** Dependency order: every module after the modules it imports; the root last. */
  readonly modules: LoadedModule[];
  readonly diagnostics: Diagnostic[];
}

/** A `SourceHost` over an in-memory map from path to text. */
export function memoryHost(files: ReadonlyMap<string, string> | Record<string, string>): SourceHost {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return { readFile: (path) => map.get(normalizePath(path)) ?? map.get(path) ?? null };
}

/** `geometry` from `examples/modules/geometry.lm` or `notes.lm.md`. */
export function moduleNameOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base.endsWith('.lm.md')) return base.slice(0, -'.lm.md'.length);
  if (base.endsWith('.lm')) return base.slice(0, -'.lm'.length);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** The paths tried, in order, for `import name` written in `fromFile`. */
export function importCandidates(fromFile: string, name: string): [string, string] {
  const slash = fromFile.lastIndexOf('/');
  const dir = slash >= 0 ? fromFile.slice(0, slash + 1) : '';
  return [normalizePath(`${dir}${name}.lm`), normalizePath(`${dir}${name}.lm.md`)];
}

/** Removes `./` segments and folds `dir/../`, keeping the path relative if it was. */
export function normalizePath(path: string): string {
  if (!path.includes('./') && !path.includes('//')) return path;
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return (absolute ? '/' : '') + out.join('/');
}

const DECLARED_KINDS = new Set(['Cell', 'Record', 'Enum', 'TypeAlias', 'Effect']);

/** Loads the root file and, transitively, everything it imports. */
export function loadProgram(rootPath: string, host: SourceHost): LoadedProgram {
  const files = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  const parsed = new Map<string, LoadedModule>();
  const order: LoadedModule[] = [];
  /** Modules on the current DFS path, for cycle detection. */
  const onPath: string[] = [];
  const done = new Set<string>();
  /** Resolved target module of each import declaration (absent when not found). */
  const importTargets = new Map<A.ImportDecl, LoadedModule>();

  const load = (path: string): LoadedModule | null => {
    const existing = parsed.get(path);
    if (existing) return existing;
    const text = host.readFile(path);
    if (text === null) return null;
    const file = makeSourceFile(path, text);
    files.set(path, file);
    const result = parse(file);
    diagnostics.push(...result.diagnostics);
    const mod: LoadedModule = { name: moduleNameOf(path), file: path, ast: result.module };
    parsed.set(path, mod);
    return mod;
  };

  const visit = (mod: LoadedModule): void => {
    onPath.push(mod.file);
    for (const decl of mod.ast.decls) {
      if (decl.kind !== 'Import') continue;
      const candidates = importCandidates(mod.file, decl.module.name);
      let target: LoadedModule | null = null;
      for (const c of candidates) {
        target = load(c);
        if (target) break;
      }
      if (!target) {
        diagnostics.push(diag('E0050', decl.module.span, [decl.module.name, candidates.map((c) => `\`${c}\``).join(' and ')]));
        continue;
      }
      importTargets.set(decl, target);
      const cycleStart = onPath.indexOf(target.file);
      if (cycleStart >= 0) {
        const names = onPath.slice(cycleStart).map((f) => parsed.get(f)!.name);
        names.push(target.name);
        diagnostics.push(diag('E0051', decl.module.span, [names.join(' -> ')]));
        continue;
      }
      if (!done.has(target.file)) visit(target);
    }
    onPath.pop();
    done.add(mod.file);
    order.push(mod);
  };

  const root = load(normalizePath(rootPath));
  if (!root) {
    const span: Span = { file: rootPath, start: 0, end: 0 };
    diagnostics.push(diag('E0054', span, [rootPath, 'file not found']));
    return { files, modules: [], diagnostics };
  }
  visit(root);

  // Imported names must exist in the target module and be `pub` there.
  for (const mod of order) {
    for (const decl of mod.ast.decls) {
      if (decl.kind !== 'Import' || decl.items === '*') continue;
      const target = importTargets.get(decl);
      if (!target) continue;
      for (const item of decl.items) {
        const found = findDeclaration(target.ast, item.name.name);
        if (!found) diagnostics.push(diag('E0053', item.name.span, [target.name, item.name.name]));
        else if (!found.pub) diagnostics.push(diag('E0052', item.name.span, [item.name.name, target.name]));
      }
    }
  }
  return { files, modules: order, diagnostics };
}

function findDeclaration(ast: A.Module, name: string): { pub: boolean } | null {
  for (const d of ast.decls) {
    if (DECLARED_KINDS.has(d.kind) && (d as { name: A.Ident }).name.name === name) return d as { pub: boolean };
  }
  return null;
}
