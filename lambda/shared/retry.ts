/**
 * Retries for AWS throttling. The SDK clients already retry (standard mode); this second layer covers bursts that
 * outlast the SDK's attempts, which happens when many stores are probed in the same minute against one account-wide
 * API rate limit.
 */

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'SlowDown',
  'EC2ThrottledException',
]);

/** True for errors AWS returns when a caller exceeds a request rate (by error name/code or HTTP 429). */
export function isThrottlingError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const candidate = error as { name?: unknown; Code?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } };
  const names = [candidate.name, candidate.Code, candidate.code].filter((item): item is string => typeof item === 'string');
  return names.some((name) => THROTTLING_CODES.has(name)) || candidate.$metadata?.httpStatusCode === 429;
}

export interface RetryOptions {
  /** Total attempts including the first. @default 5 */
  readonly attempts?: number;
  /** First backoff ceiling in milliseconds; doubles per attempt (full jitter). @default 200 */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling in milliseconds. @default 5000 */
  readonly maxDelayMs?: number;
  /** Waits; injectable so tests do not sleep. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for logging). @default none */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Random source in [0, 1) for jitter. @default Math.random */
  readonly random?: () => number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `operation`, retrying throttling errors with exponential backoff and full jitter; other errors propagate. */
export async function withThrottlingRetry<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isThrottlingError(error)) throw error;
      const delay = Math.floor(random() * Math.min(max, base * 2 ** (attempt - 1)));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
