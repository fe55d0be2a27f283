import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RetryOptions, withThrottlingRetry } from './retry';

/** Where one function writes its evidence: a bucket (in the DR region) and the function's own key prefix. */
export interface EvidenceLocation {
  /** Evidence bucket name. */
  readonly bucket: string;
  /** Region of the bucket (the DR region). */
  readonly region: string;
  /** The function's own prefix, ending in `/`; its role may write nothing outside it. */
  readonly prefix: string;
}

/** Attempts when S3 answers 409 ConditionalRequestConflict (a concurrent conditional write on the same key). */
const CONFLICT_ATTEMPTS = 4;

function errorName(error: unknown): string {
  return error !== null && typeof error === 'object' ? String((error as { name?: unknown }).name ?? '') : '';
}

function httpStatus(error: unknown): number | undefined {
  return error !== null && typeof error === 'object' ? (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode : undefined;
}

/** True for S3's answer to a conditional create of a key that exists: 412 Precondition Failed. */
export function isPreconditionFailed(error: unknown): boolean {
  return errorName(error) === 'PreconditionFailed' || httpStatus(error) === 412;
}

/** True for 409 ConditionalRequestConflict: another conditional write on the key was in flight; S3 says to retry. */
export function isConditionalConflict(error: unknown): boolean {
  return errorName(error) === 'ConditionalRequestConflict' || httpStatus(error) === 409;
}

function isMissing(error: unknown): boolean {
  return errorName(error) === 'NoSuchKey' || errorName(error) === 'NotFound' || httpStatus(error) === 404;
}

/** Thrown for a key outside the function's prefix: a programming error, never an AWS answer. */
export class EvidenceKeyRefusal extends Error {
  override readonly name = 'EvidenceKeyRefusal';
}

/**
 * Create-only access to the function's prefix of the evidence bucket. Every write is a conditional create
 * (`If-None-Match: *`): S3 accepts it only when no object exists under the key, so of any number of concurrent
 * writers of one key exactly one succeeds, and nothing written is ever replaced (the bucket policy refuses
 * unconditional writes, and Object Lock keeps every version). That one primitive gives both the run claims and the
 * exactly-once run records.
 */
export class EvidenceStore {
  constructor(
    private readonly client: S3Client,
    readonly location: EvidenceLocation,
    private readonly retry: RetryOptions = {},
  ) {
    if (!/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9.-]*)*\/$/.test(location.prefix)) {
      throw new EvidenceKeyRefusal(`evidence prefix must be lowercase path segments ending in "/", got "${location.prefix}"`);
    }
  }

  /** The full key of `relative` under the prefix; refuses anything that could leave it. */
  key(relative: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._=-]*(\/[A-Za-z0-9][A-Za-z0-9._=-]*)*$/.test(relative) || relative.split('/').some((part) => part === '..' || part === '.')) {
      throw new EvidenceKeyRefusal(`evidence key "${relative}" is not a plain relative path under ${this.location.prefix}`);
    }
    return `${this.location.prefix}${relative}`;
  }

  /** Writes `body` under `relative` unless an object already exists there. True: written; false: it existed. */
  async createOnce(relative: string, body: string, contentType = 'application/json'): Promise<boolean> {
    const Key = this.key(relative);
    for (let attempt = 1; ; attempt++) {
      try {
        await withThrottlingRetry(
          () =>
            this.client.send(
              new PutObjectCommand({
                Bucket: this.location.bucket,
                Key,
                Body: body,
                ContentType: contentType,
                IfNoneMatch: '*',
                // Object Lock buckets require an integrity checksum on every upload.
                ChecksumAlgorithm: 'SHA256',
              }),
            ),
          this.retry,
        );
        return true;
      } catch (error) {
        if (isPreconditionFailed(error)) return false;
        if (isConditionalConflict(error) && attempt < CONFLICT_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /** The text stored under `relative`, or undefined when there is none. */
  async read(relative: string): Promise<string | undefined> {
    const Key = this.key(relative);
    try {
      const out = await withThrottlingRetry(() => this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key })), this.retry);
      return out.Body ? await out.Body.transformToString() : '';
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Keys (relative to the prefix) under `relativePrefix`, sorted. */
  async list(relativePrefix: string): Promise<string[]> {
    const Prefix = this.key(relativePrefix.replace(/\/$/, '')) + (relativePrefix.endsWith('/') ? '/' : '');
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await withThrottlingRetry(
        () => this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix, ContinuationToken: token })),
        this.retry,
      );
      for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key.slice(this.location.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}
