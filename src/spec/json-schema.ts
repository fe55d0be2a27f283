import * as z from 'zod';
import { requirementsSchema } from './schema';

/**
 * The JSON Schema (draft 2020-12) of backup_requirements.json, for editors (`"$schema"` in the file) and for
 * `lifeboat schema`. It carries the structure and per-field formats; cross-field rules are enforced by
 * `parseRequirements` only.
 */
export function requirementsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(requirementsSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
