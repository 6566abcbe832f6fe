// The resolver and type checker: from the parsed modules (dependency order,
// root last) to a `CheckedProgram` — semantic types, symbols and the side
// tables keyed by AST node that the lowering reads — plus diagnostics.
//
// The work is split by concern under `checker/`: scopes and names
// (scope.ts), semantic types and inference (types.ts), declarations
// (decls.ts), declaration bodies (bodies.ts), statements (stmts.ts),
// expressions (exprs.ts, names.ts, calls.ts, effects.ts) and patterns
// (patterns.ts). This entry never throws: a bug in the checker becomes the
// diagnostic E0399 instead of a crash.

import type { Diagnostic } from './diagnostics.js';
import type { LoadedModule } from './modules.js';
import type { Span } from './span.js';
import type { CheckedProgram } from './types.js';
import { checkBodies } from './checker/bodies.js';
import { Ctx } from './checker/context.js';
import { collectDeclarations, type Collected } from './checker/decls.js';

export interface CheckResult {
  readonly program: CheckedProgram;
  readonly diagnostics: Diagnostic[];
}

/** Resolves and type-checks the modules of a program (in dependency order, root last). */
export function checkProgram(modules: readonly LoadedModule[]): CheckResult {
  let sourceLength = 0;
  for (const m of modules) sourceLength += m.ast.span.end;
  const ctx = new Ctx(sourceLength);
  let collected: Collected | null = null;
  try {
    collected = collectDeclarations(ctx, modules);
    checkBodies(ctx, collected);
  } catch (err) {
    const root = modules[modules.length - 1];
    const span: Span = root ? root.ast.span : { file: '', start: 0, end: 0 };
    ctx.report('E0399', span, [err instanceof Error ? err.message : String(err)]);
  }
  try {
    ctx.flush();
  } catch {
    // Zonking cannot fail on well-formed tables; keep whatever was resolved.
  }
  const program: CheckedProgram = {
    modules: modules.map((m) => ({ name: m.name, file: m.file, ast: m.ast })),
    cells: collected?.cells ?? [],
    records: collected?.records ?? [],
    enums: collected?.enums ?? [],
    effects: collected?.effects ?? [],
    typestates: collected?.typestates ?? [],
    exprTypes: ctx.exprTypes,
    names: ctx.names,
    calls: ctx.calls,
    fields: ctx.fields,
    patterns: ctx.patterns,
    letTypes: ctx.letTypes,
    quantVars: ctx.quantVars,
    handlerParams: ctx.handlerParams,
    effectOps: ctx.effectOps,
  };
  return { program, diagnostics: ctx.diagnostics };
}
