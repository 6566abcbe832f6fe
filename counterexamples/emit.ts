// `lumen verify --emit-tests DIR`: each refuted check becomes a runnable Lumen
// program — the original module plus a `main` that calls the failing cell with
// the counterexample's inputs, answering its effects with the recorded perform
// results — so the bug becomes a regression test: `lumen run` on it fails with
// that check.

import type { IrProgram } from '../frontend/ir.js';
import type { CheckedProgram } from '../frontend/types.js';
import type { SourceFile } from '../frontend/span.js';
import type { CheckResult } from '../verifier/verify.js';

export interface RegressionTest {
  /** File name, e.g. `abs.overflow.3.lm`. */
  readonly name: string;
  readonly text: string;
}

export function regressionTest(
  program: CheckedProgram,
  ir: IrProgram,
  file: SourceFile,
  result: CheckResult,
): RegressionTest | null {
  const v = result.verdict;
  if (v.kind !== 'refuted') return null;
  const cell = ir.cells.get(result.check.cell);
  if (!cell) return null;
  const cx = v.counterexample;
  const root = program.modules[program.modules.length - 1];
  if (!root) return null;
  // The Markdown prose is already blanked in `code`, so lines keep their numbers.
  let source = file.code;
  const existingMain = program.cells.find((c) => c.module === root.name && c.name === 'main');
  const mainName = existingMain ? 'main_original' : null;
  if (existingMain && mainName) {
    const start = existingMain.decl.name.span.start;
    source = source.slice(0, start) + mainName + source.slice(existingMain.decl.name.span.end);
  }
  // Hidden ghost parameters (typestate states) are not written at call sites.
  const args = cx.inputs
    .filter((_, i) => !cell.params[i]?.ghost)
    .map((i) => i.value)
    .join(', ');
  const call = `${shortName(cell.name)}(${args})`;
  const lines: string[] = ['', `# Regression test for the ${result.check.kind} check refuted by lumen verify:`, `#   ${result.check.failure}`];
  lines.push('cell main() -> Null');
  const effectsUsed = [...new Set(cx.performs.map((p) => p.label))].length > 0;
  if (!effectsUsed) {
    lines.push(`  print(${call})`);
  } else {
    // One handler per operation performed, answering from the recorded results in order.
    const ops = effectOperations(ir, cell.name);
    lines.push(`  let answers = [${cx.performs.map((p) => p.value).join(', ')}]`);
    lines.push('  let mut next = 0');
    lines.push('  handle');
    lines.push(`    print(${call})`);
    lines.push('  with');
    for (const op of ops) {
      const params = op.params.map((_, i) => `a${i}`).join(', ');
      lines.push(`    ${shortName(op.effect)}.${op.op}(${params}) =>`);
      lines.push('      next += 1');
      lines.push('      resume(answers[next - 1])');
    }
    lines.push('  end');
  }
  lines.push('end', '');
  const base = file.path.replace(/^.*[\\/]/, '').replace(/\.lm(\.md)?$/, '');
  return { name: `${base}.${result.check.kind}.${result.check.id}.lm`, text: source.replace(/\s*$/, '\n') + lines.join('\n') };
}

/** The effect operations a cell may perform (its own performs), for the handlers. */
function effectOperations(ir: IrProgram, cell: string): { effect: string; op: string; params: readonly unknown[] }[] {
  const c = ir.cells.get(cell);
  if (!c) return [];
  const out: { effect: string; op: string; params: readonly unknown[] }[] = [];
  const seen = new Set<string>();
  for (const e of c.effects) {
    const eff = ir.effects.get(e.effect);
    if (!eff) continue;
    for (const op of eff.ops) {
      const key = `${eff.name}.${op.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ effect: eff.name, op: op.name, params: op.params });
    }
  }
  return out;
}

function shortName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}
