import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkDocument, checkDocuments, DocumentIndex, loadPolicyInputs, parseSuppressionFile, type PolicyRule, type TerraformDocument } from '../../src/policy';
import { refersTo } from '../../src/policy/document';
import { grantsAction } from '../../src/policy/iam';
import { addResource, cleanDocument, resource } from './helpers';

const KNOWN = new Set(['rds-not-public', 'kms-key-rotation']);

describe('references between resources', () => {
  const docs = { type: 'aws_s3_bucket', name: 'docs', address: 'aws_s3_bucket.docs', body: {} };
  it('matches interpolations of the exact resource only', () => {
    expect(refersTo('${aws_s3_bucket.docs.id}', docs)).toBe(true);
    expect(refersTo('${aws_s3_bucket.docs[0].arn}', docs)).toBe(true);
    expect(refersTo('${aws_s3_bucket.docs2.id}', docs)).toBe(false);
    expect(refersTo('${data.aws_s3_bucket.docs.id}', docs)).toBe(false);
    expect(refersTo('aws_s3_bucket.docs.id', docs)).toBe(false);
  });
  it('matches a literal bucket name or its ARN', () => {
    expect(refersTo('shop-docs', docs, 'shop-docs')).toBe(true);
    expect(refersTo('arn:aws:s3:::shop-docs', docs, 'shop-docs')).toBe(true);
    expect(refersTo('arn:aws:s3:::shop-docs-2', docs, 'shop-docs')).toBe(false);
  });
  it('lets companion resources name their bucket literally', () => {
    const doc = cleanDocument();
    resource(doc, 'aws_s3_bucket_versioning', 'documents_eu_west_1_versioning').bucket = 'shop-documents-eu-west-1';
    expect(checkDocument(doc)).toEqual([]);
  });
});

describe('exemptions that follow AWS behaviour', () => {
  it('does not ask same-region read replicas for backups, final snapshots or a key of their own', () => {
    const doc = cleanDocument();
    addResource(doc, 'aws_db_instance', 'orders_1', {
      identifier: 'shop-orders-1',
      replicate_source_db: '${aws_db_instance.orders.identifier}',
      instance_class: 'db.r6g.large',
      deletion_protection: true,
      skip_final_snapshot: true,
      backup_retention_period: 0,
      lifecycle: { prevent_destroy: true },
    });
    expect(checkDocument(doc)).toEqual([]);
  });
  it('does not ask asymmetric KMS keys to rotate', () => {
    const doc = cleanDocument();
    addResource(doc, 'aws_kms_key', 'signing', { customer_master_key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY', lifecycle: { prevent_destroy: true } });
    expect(checkDocument(doc)).toEqual([]);
  });
  it('accepts the account-level public access block for every bucket', () => {
    const doc = cleanDocument();
    delete doc.resource?.aws_s3_bucket_public_access_block;
    addResource(doc, 'aws_s3_account_public_access_block', 'account', {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(checkDocument(doc)).toEqual([]);
  });
});

describe('IAM policy reading', () => {
  const doc: TerraformDocument = {
    data: {
      aws_iam_policy_document: {
        base: { statement: [{ actions: ['rds:Delete*'], resources: ['*'] }] },
        combined: { source_policy_documents: ['${data.aws_iam_policy_document.base.json}'], statement: [{ effect: 'Deny', actions: ['s3:*'], resources: ['*'] }] },
        loop: { source_policy_documents: ['${data.aws_iam_policy_document.loop.json}'] },
      },
    },
  };
  it('follows source_policy_documents and defaults effect to Allow', () => {
    const resolved = new DocumentIndex(doc).resolvePolicy('${data.aws_iam_policy_document.combined.json}');
    expect(resolved.readable && resolved.statements.map((statement) => [statement.effect, statement.actions])).toEqual([
      ['Allow', ['rds:Delete*']],
      ['Deny', ['s3:*']],
    ]);
  });
  it('refuses self-including documents instead of looping', () => {
    expect(new DocumentIndex(doc).resolvePolicy('${data.aws_iam_policy_document.loop.json}')).toEqual({
      readable: false,
      reason: 'data.aws_iam_policy_document.loop includes itself',
    });
  });
  it('matches IAM wildcards case-insensitively', () => {
    const statement = { effect: 'Allow' as const, actions: ['RDS:delete*'], notActions: [], resources: ['*'], notResources: [], principals: [], notPrincipals: [], conditions: [] };
    expect(grantsAction(statement, 'rds:DeleteDBInstance')).toBe(true);
    expect(grantsAction(statement, 'rds:ModifyDBInstance')).toBe(false);
    expect(grantsAction({ ...statement, effect: 'Deny' }, 'rds:DeleteDBInstance')).toBe(false);
  });
});

describe('suppressions and reports', () => {
  it('collects every problem of a suppressions file at once', () => {
    const parsed = parseSuppressionFile(
      { version: 2, extra: true, suppressions: [{ rule: 'rds-not-public', reason: 'ok' }, 'nope', { rule: 'kms-key-rotation', address: 7, reason: 'r', why: 'x' }] },
      'p.json',
      KNOWN,
    );
    expect(parsed.suppressions).toEqual([]);
    expect(parsed.errors).toEqual([
      'p.json: version must be 1',
      'p.json: unknown keys extra',
      'p.json: suppressions[0]: needs an address or a constructPath (use "address": "*" to suppress the rule for every resource)',
      'p.json: suppressions[1]: must be an object',
      'p.json: suppressions[2]: unknown keys why (allowed: rule, address, constructPath, stack, reason)',
      'p.json: suppressions[2]: address must be a non-empty string',
    ]);
  });

  it('limits a suppression to its stack', () => {
    const insecure = cleanDocument();
    resource(insecure, 'aws_db_instance', 'orders').publicly_accessible = true;
    const { suppressions } = parseSuppressionFile(
      { version: 1, suppressions: [{ rule: 'rds-not-public', address: 'aws_db_instance.orders', stack: 'staging', reason: 'Staging only.' }] },
      'p.json',
      KNOWN,
    );
    const report = checkDocuments(
      [
        { stack: 'staging', document: insecure },
        { stack: 'production', document: structuredClone(insecure) },
      ],
      { suppressions },
    );
    expect(report.findings.map((found) => `${found.stack} ${found.ruleId}`)).toEqual(['production rds-not-public']);
    expect(report.suppressed.map((found) => `${found.stack} ${found.ruleId}`)).toEqual(['staging rds-not-public']);
    expect(report.unusedSuppressions).toEqual([]);
  });

  it('gives the same report for the same input, whatever the key order', () => {
    const doc = cleanDocument();
    resource(doc, 'aws_db_instance', 'orders').publicly_accessible = true;
    resource(doc, 'aws_kms_key', 'kms_dr').enable_key_rotation = false;
    const reverseKeys = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reverseKeys);
      if (typeof value !== 'object' || value === null) return value;
      const entries = Object.entries(value as Record<string, unknown>).reverse();
      return Object.fromEntries(entries.map(([key, item]) => [key, reverseKeys(item)]));
    };
    const reordered = reverseKeys(doc) as TerraformDocument;
    expect(Object.keys(reordered.resource ?? {})[0]).not.toBe(Object.keys(doc.resource ?? {})[0]);
    expect(JSON.stringify(checkDocument(reordered))).toBe(JSON.stringify(checkDocument(doc)));
  });
});

describe('loading synthesized output', () => {
  it('finds stacks under stacks/<name>/cdk.tf.json when there is no manifest', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-load-'));
    try {
      for (const name of ['b-stack', 'a-stack']) {
        fs.mkdirSync(path.join(directory, 'stacks', name), { recursive: true });
        fs.writeFileSync(path.join(directory, 'stacks', name, 'cdk.tf.json'), JSON.stringify({ resource: {} }));
      }
      expect(loadPolicyInputs(directory).map((input) => input.stack)).toEqual(['a-stack', 'b-stack']);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('replication ordering', () => {
  it('accepts a reference to the versioning resource instead of depends_on', () => {
    const doc = cleanDocument();
    const replication = resource(doc, 'aws_s3_bucket_replication_configuration', 'documents_eu_west_1_replication');
    replication.depends_on = ['aws_s3_bucket_versioning.documents_eu_central_1_versioning'];
    replication.bucket = '${aws_s3_bucket_versioning.documents_eu_west_1_versioning.bucket}';
    expect(checkDocument(doc)).toEqual([]);
  });
});

describe('checking a document again after it changed', () => {
  it('sees the change (nothing cached from the previous run)', () => {
    const doc = cleanDocument();
    expect(checkDocument(doc)).toEqual([]);
    resource(doc, 'aws_s3_bucket_versioning', 'documents_eu_west_1_versioning').bucket = 'some-other-bucket';
    resource(doc, 'aws_iam_role_policy', 'replication_role_policy').policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    expect(checkDocument(doc).map((found) => `${found.ruleId} ${found.address}`)).toEqual([
      'iam-no-wildcard-admin aws_iam_role_policy.replication_role_policy',
      's3-versioning-enabled aws_s3_bucket.documents_eu_west_1',
    ]);
  });
});

describe('the document index', () => {
  it('is built once per run and shared by every rule of that run, and a new run builds a new one', () => {
    const seen: DocumentIndex[] = [];
    const spy = (id: string): PolicyRule => ({
      id,
      pack: 'iam',
      severity: 'warning',
      description: 'records the index it is given',
      fix: 'nothing to fix',
      check(index) {
        seen.push(index);
        return [];
      },
    });
    const doc = cleanDocument();
    checkDocuments([{ stack: 'a', document: doc }], { rules: [spy('first'), spy('second')] });
    checkDocument(doc, { rules: [spy('third')] });
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[0]);
    expect(seen.every((index) => index.document === doc)).toBe(true);
  });

  it('answers lookups by address and by provider region', () => {
    const index = new DocumentIndex(cleanDocument());
    expect(index.block('data.aws_iam_policy_document.verification_permissions')?.type).toBe('aws_iam_policy_document');
    expect(index.block('aws_s3_bucket.documents_eu_west_1')?.name).toBe('documents_eu_west_1');
    const kms = index.block('aws_kms_key.kms_primary');
    expect(kms && index.regionOf(kms)).toEqual({ value: 'eu-west-1', literal: true });
  });
});

describe('module calls', () => {
  it('are reported as unchecked, and a suppression on the module call applies to it', () => {
    const doc = cleanDocument();
    doc.module = {
      network: { source: 'terraform-aws-modules/vpc/aws', version: '5.8.1' },
      uploads: {
        '//': { lifeboat: { suppress: [{ rule: 'no-unchecked-modules', reason: 'Checked in the module repository with its own pipeline.' }] } },
        source: './modules/uploads',
      },
    };
    const report = checkDocuments([{ stack: 'shop', document: doc }]);
    expect(report.findings.map((found) => `${found.ruleId} ${found.address} ${found.severity}: ${found.message}`)).toEqual([
      'no-unchecked-modules module.network warning: Module call (source terraform-aws-modules/vpc/aws): none of its resources are checked, so a clean report says nothing about them.',
    ]);
    expect(report.suppressed.map((found) => found.address)).toEqual(['module.uploads']);
  });
});

describe('block bodies written as a list of one object (HCL JSON syntax allows it)', () => {
  it('are loaded and checked like objects', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-list-body-'));
    try {
      const file = path.join(directory, 'cdk.tf.json');
      fs.writeFileSync(file, JSON.stringify({ resource: { aws_kms_key: { app: [{ enable_key_rotation: false, lifecycle: { prevent_destroy: true } }] } } }));
      const [input] = loadPolicyInputs(file);
      expect(checkDocument(input?.document ?? {}).map((found) => `${found.ruleId} ${found.address}`)).toEqual(['kms-key-rotation aws_kms_key.app']);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
