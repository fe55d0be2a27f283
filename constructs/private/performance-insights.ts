import type { RegionalKey } from '../backup-vault';

/** Performance Insights settings of one instance: on with the key of its region, or off. */
export function performanceInsights(enabled: boolean | undefined, key: RegionalKey) {
  return enabled ? { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: key.keyArn } : { performanceInsightsEnabled: false };
}
