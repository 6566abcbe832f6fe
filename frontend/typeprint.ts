// Prints semantic types in Lumen syntax (`list[Int]`, `(Int, String)`,
// `Int?`, `result[Int, String]`), for diagnostics and dumps. Kept apart from
// the checker so that every stage can name a type the way a user writes it.

import type { Type } from './types.js';

/** `Int`, `list[T]`, `map[K, V]`, `(A, B)`, `Point`, `Option[Int]`, `A | B`, `T?`, `result[T, E]`. */
export function typeToString(t: Type): string {
  switch (t.kind) {
    case 'Int':
    case 'Float':
    case 'Bool':
    case 'String':
    case 'Null':
    case 'Never':
      return t.kind;
    case 'Error':
      return '{unknown}';
    case 'List':
      return `list[${typeToString(t.elem)}]`;
    case 'Map':
      return `map[${typeToString(t.key)}, ${typeToString(t.value)}]`;
    case 'Tuple':
      return `(${t.elems.map(typeToString).join(', ')}${t.elems.length === 1 ? ',' : ''})`;
    case 'Record':
    case 'Enum':
      return t.args.length === 0 ? t.info.name : `${t.info.name}[${t.args.map(typeToString).join(', ')}]`;
    case 'Result':
      return `result[${typeToString(t.ok)}, ${typeToString(t.err)}]`;
    case 'Union': {
      const nonNull = t.members.filter((m) => m.kind !== 'Null');
      if (nonNull.length === 1 && t.members.length === 2) {
        const inner = nonNull[0]!;
        const s = typeToString(inner);
        return inner.kind === 'Union' ? `(${s})?` : `${s}?`;
      }
      return t.members.map(typeToString).join(' | ');
    }
    case 'TypeParam':
      // Inference variables that were never resolved print as `_`.
      return t.name.startsWith('?') ? '_' : t.name;
  }
}
