import { canonicalJson } from '../shared/canonical-json';
import type { ReportModel } from './model';

/** Keys that lead their object so the file reads top-down; every other key is sorted. */
const LEADING_KEYS = ['reportVersion', 'name', 'environment', 'id', 'kind', 'verdict', 'status', 'line'];

/** The report model as deterministic JSON (for dashboards and audits that post-process it). */
export function renderJson(model: ReportModel): string {
  return canonicalJson(model, LEADING_KEYS);
}
