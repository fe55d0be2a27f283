import { CloudWatchClient, PutMetricDataCommand, StandardUnit, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { RegionalClients } from './clients';
import { RetryOptions, withThrottlingRetry } from './retry';

/** One metric value to publish into `region`'s CloudWatch. */
export interface RegionalMetric {
  /** Region whose CloudWatch receives the datapoint; alarms must live in the same region. */
  readonly region: string;
  readonly name: string;
  readonly value: number;
  readonly unit: StandardUnit;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly timestamp: Date;
}

/** PutMetricData accepts up to 1,000 datums per request; smaller batches keep each request well under 1 MB. */
export const METRICS_PER_REQUEST = 500;

/**
 * Publishes metrics grouped by region (one PutMetricData per region and batch). Returns the regions that failed,
 * so a CloudWatch outage in one region does not stop publishing in the others.
 */
export async function publishMetrics(
  clients: RegionalClients<CloudWatchClient>,
  namespace: string,
  metrics: readonly RegionalMetric[],
  retry: RetryOptions = {},
): Promise<{ region: string; error: unknown }[]> {
  const byRegion = new Map<string, MetricDatum[]>();
  for (const metric of metrics) {
    const datums = byRegion.get(metric.region) ?? [];
    datums.push({
      MetricName: metric.name,
      Value: metric.value,
      Unit: metric.unit,
      Timestamp: metric.timestamp,
      Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
    });
    byRegion.set(metric.region, datums);
  }
  const failures: { region: string; error: unknown }[] = [];
  for (const [region, datums] of [...byRegion.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    try {
      for (let start = 0; start < datums.length; start += METRICS_PER_REQUEST) {
        const batch = datums.slice(start, start + METRICS_PER_REQUEST);
        await withThrottlingRetry(
          () => clients.get(region).send(new PutMetricDataCommand({ Namespace: namespace, MetricData: batch })),
          retry,
        );
      }
    } catch (error) {
      failures.push({ region, error });
    }
  }
  return failures;
}
