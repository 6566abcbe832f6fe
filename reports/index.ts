// Public entry of reports/: everything the CLI needs to turn verification
// results into machine-readable and audit reports. All functions are pure and
// return text or objects; the CLI writes the files.

export type { ReportInput, ReportTool, TrustedItem, InferredItem, Summary, VerdictKind, Position } from './model.js';
export { summarize, relativeTo } from './model.js';
export { RULES, ruleIndex, checkExample, checkTitle } from './rules.js';
export type { SarifLimits, SarifOptions } from './sarif.js';
export { toSarif, serializeSarif, normalizeAutomationId, GITHUB_LIMITS, SARIF_SCHEMA_URI } from './sarif.js';
export type { JsonReport, JsonCheck, JsonCounterexample, JsonDiagnostic, JsonLocation } from './json.js';
export { toJson, serializeJson, JSON_SCHEMA_VERSION } from './json.js';
export { toAuditHtml, toAuditMarkdown } from './audit.js';
export * from './text.js';
