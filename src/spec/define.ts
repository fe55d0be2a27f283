import type { RequirementsInput } from './schema';

/**
 * Types a requirements document written inline in TypeScript (editor completion, and a type error on an unknown
 * field or enum value) and returns it unchanged. It is the same shape as backup_requirements.json; validate it
 * with `parseRequirements`, which also applies the cross-field rules:
 * `new DisasterRecovery(stack, 'dr', { requirements: parseRequirements(defineRequirements({ version: 1, ... })) })`.
 * An imported JSON file types its literals as `number` and `string`, so pass it to `parseRequirements` directly.
 */
export function defineRequirements(requirements: RequirementsInput): RequirementsInput {
  return requirements;
}
