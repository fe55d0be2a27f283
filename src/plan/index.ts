export * from './types';
export { planBackups } from './planner';
export { serializePlan } from './serialize';
export { CATALOGUE, LIMITS, ESTIMATES_NOTE, type CatalogueEntry } from './catalogue';
export { FINDING_CODES, type FindingCode } from './findings';
export * from './naming';
export { planEvidence, DEFAULT_EVIDENCE_LOCK_DAYS, DEFAULT_EVIDENCE_LOCK_MODE, type EvidencePlan } from './evidence';
