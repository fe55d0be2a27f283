/**
 * A small stateful fake of the evidence bucket behind aws-sdk-client-mock, mocking ONE S3Client instance (so tests of
 * other S3 code keep their own mocks).
 *
 * - Versioned and create-only like the real bucket: a PutObject must carry `If-None-Match: *` (the bucket policy
 *   refuses others) and answers 412 PreconditionFailed when the key exists; nothing is ever replaced or deleted.
 * - Writes are allowed only under `writablePrefixes` (what the writer's IAM policy allows); any other write is
 *   refused with AccessDenied and recorded in `violations`.
 * - Every call is recorded; `ignoreConditions` turns the conditional create into a plain overwrite, to show what a
 *   non-atomic claim would allow.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

export interface FakeEvidenceOptions {
  /** Bucket name. @default lifeboat-evidence-test */
  bucket?: string;
  /** Key prefixes the writer may put objects under. */
  writablePrefixes: readonly string[];
  /** Treat conditional creates as plain overwrites (a broken claim primitive). @default false */
  ignoreConditions?: boolean;
  /** The client to mock (creating SDK clients is slow; tests running many buckets can share one). @default a new S3Client */
  client?: S3Client;
}

export interface EvidenceCall {
  command: 'PutObject' | 'GetObject' | 'ListObjectsV2';
  key?: string;
  prefix?: string;
  ifNoneMatch?: string;
  error?: string;
}

function s3Error(name: string, status: number, message = name): Error {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
}

export class FakeEvidenceBucket {
  readonly client: S3Client;
  readonly stub: AwsStub<any, any, any>;
  readonly bucket: string;
  readonly calls: EvidenceCall[] = [];
  /** Writes outside the writable prefixes or without If-None-Match: must stay empty. */
  readonly violations: string[] = [];
  /** Key -> every version written, oldest first. */
  private readonly objects = new Map<string, string[]>();

  constructor(private readonly options: FakeEvidenceOptions) {
    this.bucket = options.bucket ?? 'lifeboat-evidence-test';
    this.client = options.client ?? new S3Client({ region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    this.stub = mockClient(this.client);
    this.stub.onAnyCommand().callsFake((input: unknown) => {
      this.violations.push(`unsupported command ${JSON.stringify(input)}`);
      throw s3Error('UnsupportedByFake', 400);
    });
    this.stub.on(PutObjectCommand).callsFake(async (input: any) => this.put(input));
    this.stub.on(GetObjectCommand).callsFake(async (input: any) => this.get(input));
    this.stub.on(ListObjectsV2Command).callsFake(async (input: any) => this.list(input));
  }

  restore(): void {
    this.stub.restore();
  }

  /** Current text of every object, by key. */
  contents(): Record<string, string> {
    return Object.fromEntries([...this.objects.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, versions]) => [key, versions[versions.length - 1]]));
  }

  /** Keys under `prefix`, sorted. */
  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  /** Keys that were written more than once (must stay empty: evidence is never replaced). */
  overwritten(): string[] {
    return [...this.objects.entries()].filter(([, versions]) => versions.length > 1).map(([key]) => key);
  }

  private put(input: any) {
    const key: string = input.Key;
    const call: EvidenceCall = { command: 'PutObject', key, ifNoneMatch: input.IfNoneMatch };
    this.calls.push(call);
    const refuse = (why: string) => {
      this.violations.push(`PutObject ${key}: ${why}`);
      call.error = 'AccessDenied';
      throw s3Error('AccessDenied', 403, why);
    };
    if (input.Bucket !== this.bucket) refuse(`bucket ${input.Bucket}`);
    if (!this.options.writablePrefixes.some((prefix) => key.startsWith(prefix))) refuse('outside the writable prefixes');
    if (input.IfNoneMatch !== '*') refuse('not a conditional create (the bucket policy denies it)');
    if (!input.ChecksumAlgorithm && !input.ContentMD5) refuse('no integrity checksum (Object Lock requires one)');
    const existing = this.objects.get(key);
    if (existing && !this.options.ignoreConditions) {
      call.error = 'PreconditionFailed';
      throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
    }
    const body = typeof input.Body === 'string' ? input.Body : Buffer.from(input.Body).toString('utf8');
    this.objects.set(key, [...(existing ?? []), body]);
    return { ETag: `"${this.objects.size}"`, VersionId: `v${(existing?.length ?? 0) + 1}` };
  }

  private get(input: any) {
    const call: EvidenceCall = { command: 'GetObject', key: input.Key };
    this.calls.push(call);
    const versions = this.objects.get(input.Key);
    if (!versions) {
      call.error = 'NoSuchKey';
      throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
    }
    const text = versions[versions.length - 1];
    return { Body: { transformToString: async () => text } };
  }

  private list(input: any) {
    this.calls.push({ command: 'ListObjectsV2', prefix: input.Prefix });
    const all = this.keys(input.Prefix ?? '');
    // Tiny pages, so pagination is exercised.
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = all.slice(start, start + 2);
    const next = start + 2 < all.length ? String(start + 2) : undefined;
    return { Contents: page.map((Key) => ({ Key })), IsTruncated: next !== undefined, ...(next ? { NextContinuationToken: next } : {}), KeyCount: page.length };
  }
}
