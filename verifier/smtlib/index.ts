// Public entry of the SMT-LIB layer: the typed term language, its printer,
// and the readers for solver output (S-expressions, models, get-value answers).
// This folder is pure: it does no IO and knows nothing of solver processes.

export * from './term.js';
export { printTerm, printSort, printCommand, printScript, printSymbol, isSimpleSymbol, printStringLiteral, printIntLiteral, printFloatLiteral } from './printer.js';
export { parseSexprs, parseSexprsWithErrors, printSexpr, findUnbalanced, type SExpr, type SExprParse } from './sexpr.js';
export { readModel, readValues, readValue, showModelValue, decodeStringLiteral, type ModelValue } from './model.js';
