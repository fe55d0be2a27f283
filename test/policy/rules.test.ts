import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES, checkDocument, POLICY_PACKS, type TerraformDocument } from '../../src/policy';
import { addResource, cleanDocument, dataSource, first, removeResource, resource } from './helpers';

interface Seed {
  /** What the misconfiguration is, as a user would describe it. */
  name: string;
  mutate(doc: TerraformDocument): void;
  /** Addresses the rule must report, exactly. */
  addresses: string[];
}

const DOCS = 'aws_s3_bucket.documents_eu_west_1';
const AUDIT = 'aws_s3_bucket.audit_logs_eu_west_1';
const tlsStatement = (doc: TerraformDocument) =>
  first(dataSource(doc, 'aws_iam_policy_document', 'documents_eu_west_1_tls_only').statement);
const verificationStatements = (doc: TerraformDocument) =>
  dataSource(doc, 'aws_iam_policy_document', 'verification_permissions').statement as Record<string, unknown>[];
const replicationPolicy = (doc: TerraformDocument) => resource(doc, 'aws_iam_role_policy', 'replication_role_policy');

const SEEDS: Record<string, Seed[]> = {
  's3-versioning-enabled': [
    {
      name: 'bucket without aws_s3_bucket_versioning',
      mutate: (doc) => removeResource(doc, 'aws_s3_bucket_versioning', 'documents_eu_west_1_versioning'),
      addresses: [DOCS],
    },
    {
      name: 'versioning suspended',
      mutate: (doc) => {
        first(resource(doc, 'aws_s3_bucket_versioning', 'documents_eu_central_1_versioning').versioning_configuration).status = 'Suspended';
      },
      addresses: ['aws_s3_bucket.documents_eu_central_1'],
    },
  ],
  's3-sse-kms': [
    {
      name: 'SSE-S3 (AES256) instead of KMS',
      mutate: (doc) => {
        const rule = first(resource(doc, 'aws_s3_bucket_server_side_encryption_configuration', 'documents_eu_west_1_encryption').rule);
        rule.apply_server_side_encryption_by_default = { sse_algorithm: 'AES256' };
      },
      addresses: [DOCS],
    },
    {
      name: 'aws:kms with the AWS managed key (no kms_master_key_id)',
      mutate: (doc) => {
        const rule = first(resource(doc, 'aws_s3_bucket_server_side_encryption_configuration', 'audit_logs_eu_west_1_encryption').rule);
        rule.apply_server_side_encryption_by_default = { sse_algorithm: 'aws:kms' };
      },
      addresses: [AUDIT],
    },
    {
      name: 'no encryption configuration',
      mutate: (doc) => removeResource(doc, 'aws_s3_bucket_server_side_encryption_configuration', 'documents_eu_west_1_encryption'),
      addresses: [DOCS],
    },
  ],
  's3-public-access-block': [
    {
      name: 'restrict_public_buckets false',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket_public_access_block', 'documents_eu_west_1_public_access').restrict_public_buckets = false;
      },
      addresses: [DOCS],
    },
    {
      name: 'no public access block',
      mutate: (doc) => removeResource(doc, 'aws_s3_bucket_public_access_block', 'audit_logs_eu_central_1_public_access'),
      addresses: ['aws_s3_bucket.audit_logs_eu_central_1'],
    },
  ],
  's3-tls-only': [
    {
      name: 'no bucket policy',
      mutate: (doc) => removeResource(doc, 'aws_s3_bucket_policy', 'documents_eu_west_1_policy'),
      addresses: [DOCS],
    },
    {
      name: 'deny condition on SecureTransport true instead of false',
      mutate: (doc) => {
        first(tlsStatement(doc).condition).values = ['true'];
      },
      addresses: [DOCS],
    },
    {
      name: 'TLS statement allows instead of denies',
      mutate: (doc) => {
        tlsStatement(doc).effect = 'Allow';
      },
      addresses: [DOCS],
    },
    {
      name: 'bucket policy built with jsonencode cannot be confirmed',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket_policy', 'documents_eu_west_1_policy').policy = '${jsonencode({Statement = []})}';
      },
      addresses: [DOCS],
    },
  ],
  's3-replication-configured': [
    {
      name: 'replication removed: neither the source nor its replica is covered',
      mutate: (doc) => removeResource(doc, 'aws_s3_bucket_replication_configuration', 'documents_eu_west_1_replication'),
      addresses: ['aws_s3_bucket.documents_eu_central_1', DOCS],
    },
    {
      name: 'replication rule disabled',
      mutate: (doc) => {
        first(resource(doc, 'aws_s3_bucket_replication_configuration', 'audit_logs_eu_west_1_replication').rule).status = 'Disabled';
      },
      addresses: ['aws_s3_bucket.audit_logs_eu_central_1', AUDIT],
    },
  ],
  's3-replication-after-versioning': [
    {
      name: 'replication does not wait for the destination versioning (the versioning/replication race)',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket_replication_configuration', 'documents_eu_west_1_replication').depends_on = [
          'aws_s3_bucket_versioning.documents_eu_west_1_versioning',
        ];
      },
      addresses: ['aws_s3_bucket_replication_configuration.documents_eu_west_1_replication'],
    },
    {
      name: 'replication without depends_on',
      mutate: (doc) => {
        delete resource(doc, 'aws_s3_bucket_replication_configuration', 'audit_logs_eu_west_1_replication').depends_on;
      },
      addresses: ['aws_s3_bucket_replication_configuration.audit_logs_eu_west_1_replication'],
    },
  ],
  's3-object-lock-when-required': [
    {
      name: 'bucket tagged object-lock-required without a lock configuration',
      mutate: (doc) => removeResource(doc, 'aws_s3_bucket_object_lock_configuration', 'audit_logs_eu_west_1_lock'),
      addresses: [AUDIT],
    },
    {
      name: 'lock configuration without a default retention period',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket_object_lock_configuration', 'audit_logs_eu_central_1_lock').rule = { default_retention: { mode: 'COMPLIANCE' } };
      },
      addresses: ['aws_s3_bucket.audit_logs_eu_central_1'],
    },
    {
      name: 'Object Lock never enabled on the bucket',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket', 'audit_logs_eu_west_1').object_lock_enabled = false;
        delete resource(doc, 'aws_s3_bucket_object_lock_configuration', 'audit_logs_eu_west_1_lock').object_lock_enabled;
      },
      addresses: [AUDIT],
    },
    {
      name: 'tag demands Object Lock on a bucket that has none',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket', 'documents_eu_west_1').tags = { 'lifeboat:object-lock-required': 'true' };
      },
      addresses: [DOCS],
    },
  ],
  'no-force-destroy': [
    {
      name: 'bucket force_destroy',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket', 'documents_eu_west_1').force_destroy = true;
      },
      addresses: [DOCS],
    },
    {
      name: 'backup vault force_destroy',
      mutate: (doc) => {
        resource(doc, 'aws_backup_vault', 'billing_vault').force_destroy = true;
      },
      addresses: ['aws_backup_vault.billing_vault'],
    },
  ],
  'prevent-destroy': [
    {
      name: 'data-bearing resources without prevent_destroy',
      mutate: (doc) => {
        delete resource(doc, 'aws_kms_key', 'kms_dr').lifecycle;
        resource(doc, 'aws_db_instance', 'orders').lifecycle = { prevent_destroy: false };
        delete resource(doc, 'aws_rds_global_cluster', 'ledger_global').lifecycle;
        delete resource(doc, 'aws_backup_vault', 'billing_vault').lifecycle;
        delete resource(doc, 'aws_s3_bucket', 'documents_eu_central_1').lifecycle;
        delete resource(doc, 'aws_rds_cluster', 'ledger_dr').lifecycle;
      },
      addresses: [
        'aws_backup_vault.billing_vault',
        'aws_db_instance.orders',
        'aws_kms_key.kms_dr',
        'aws_rds_cluster.ledger_dr',
        'aws_rds_global_cluster.ledger_global',
        'aws_s3_bucket.documents_eu_central_1',
      ],
    },
  ],
  'rds-storage-encrypted': [
    {
      name: 'instance not encrypted',
      mutate: (doc) => {
        resource(doc, 'aws_db_instance', 'orders').storage_encrypted = false;
      },
      addresses: ['aws_db_instance.orders'],
    },
    {
      name: 'instance encrypted with the AWS managed key',
      mutate: (doc) => {
        delete resource(doc, 'aws_db_instance', 'orders').kms_key_id;
      },
      addresses: ['aws_db_instance.orders'],
    },
    {
      name: 'cross-region replica without a key in its region',
      mutate: (doc) => {
        delete resource(doc, 'aws_db_instance', 'orders_dr').kms_key_id;
      },
      addresses: ['aws_db_instance.orders_dr'],
    },
    {
      name: 'Aurora cluster storage_encrypted absent',
      mutate: (doc) => {
        delete resource(doc, 'aws_rds_cluster', 'ledger_dr').storage_encrypted;
      },
      addresses: ['aws_rds_cluster.ledger_dr'],
    },
  ],
  'rds-backup-retention': [
    {
      name: 'instance with automated backups off',
      mutate: (doc) => {
        resource(doc, 'aws_db_instance', 'orders').backup_retention_period = 0;
      },
      addresses: ['aws_db_instance.orders'],
    },
    {
      name: 'cluster with retention 0',
      mutate: (doc) => {
        resource(doc, 'aws_rds_cluster', 'ledger').backup_retention_period = 0;
      },
      addresses: ['aws_rds_cluster.ledger'],
    },
  ],
  'rds-deletion-protection': [
    {
      name: 'replica without deletion protection',
      mutate: (doc) => {
        resource(doc, 'aws_db_instance', 'orders_dr').deletion_protection = false;
      },
      addresses: ['aws_db_instance.orders_dr'],
    },
    {
      name: 'global cluster and cluster without deletion protection',
      mutate: (doc) => {
        delete resource(doc, 'aws_rds_global_cluster', 'ledger_global').deletion_protection;
        delete resource(doc, 'aws_rds_cluster', 'ledger').deletion_protection;
      },
      addresses: ['aws_rds_cluster.ledger', 'aws_rds_global_cluster.ledger_global'],
    },
  ],
  'rds-final-snapshot': [
    {
      name: 'final_snapshot_identifier null (the pitfall: no final snapshot although skip_final_snapshot is false)',
      mutate: (doc) => {
        resource(doc, 'aws_db_instance', 'orders').final_snapshot_identifier = null;
      },
      addresses: ['aws_db_instance.orders'],
    },
    {
      name: 'skip_final_snapshot true',
      mutate: (doc) => {
        resource(doc, 'aws_db_instance', 'orders').skip_final_snapshot = true;
      },
      addresses: ['aws_db_instance.orders'],
    },
    {
      name: 'cluster without final_snapshot_identifier',
      mutate: (doc) => {
        delete resource(doc, 'aws_rds_cluster', 'ledger_dr').final_snapshot_identifier;
      },
      addresses: ['aws_rds_cluster.ledger_dr'],
    },
  ],
  'rds-not-public': [
    {
      name: 'public instance',
      mutate: (doc) => {
        resource(doc, 'aws_db_instance', 'orders').publicly_accessible = true;
      },
      addresses: ['aws_db_instance.orders'],
    },
    {
      name: 'public Aurora cluster instance',
      mutate: (doc) => {
        resource(doc, 'aws_rds_cluster_instance', 'ledger_dr_1').publicly_accessible = true;
      },
      addresses: ['aws_rds_cluster_instance.ledger_dr_1'],
    },
  ],
  'rds-retain-automated-backups': [
    {
      name: 'delete_automated_backups left to the provider default',
      mutate: (doc) => {
        delete resource(doc, 'aws_db_instance', 'orders').delete_automated_backups;
      },
      addresses: ['aws_db_instance.orders'],
    },
  ],
  'kms-key-rotation': [
    {
      name: 'rotation off',
      mutate: (doc) => {
        resource(doc, 'aws_kms_key', 'kms_primary').enable_key_rotation = false;
      },
      addresses: ['aws_kms_key.kms_primary'],
    },
  ],
  'cloudwatch-alarm-actions': [
    {
      name: 'alarm without actions',
      mutate: (doc) => {
        resource(doc, 'aws_cloudwatch_metric_alarm', 'orders_replica_lag').alarm_actions = [];
      },
      addresses: ['aws_cloudwatch_metric_alarm.orders_replica_lag'],
    },
    {
      name: 'alarm actions disabled',
      mutate: (doc) => {
        resource(doc, 'aws_cloudwatch_metric_alarm', 'orders_replica_lag').actions_enabled = false;
      },
      addresses: ['aws_cloudwatch_metric_alarm.orders_replica_lag'],
    },
  ],
  'sg-no-public-ingress': [
    {
      name: 'inline ingress from 0.0.0.0/0',
      mutate: (doc) => {
        resource(doc, 'aws_security_group', 'verification_sg').ingress = [
          { from_port: 5432, to_port: 5432, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: null },
        ];
      },
      addresses: ['aws_security_group.verification_sg'],
    },
    {
      name: 'standalone ingress rule from ::/0',
      mutate: (doc) => {
        const rule = resource(doc, 'aws_vpc_security_group_ingress_rule', 'orders_from_verification');
        delete rule.referenced_security_group_id;
        rule.cidr_ipv6 = '::/0';
      },
      addresses: ['aws_vpc_security_group_ingress_rule.orders_from_verification'],
    },
    {
      name: 'legacy aws_security_group_rule from anywhere',
      mutate: (doc) =>
        addResource(doc, 'aws_security_group_rule', 'open_ssh', {
          type: 'ingress',
          security_group_id: '${aws_security_group.verification_sg.id}',
          from_port: 22,
          to_port: 22,
          protocol: 'tcp',
          cidr_blocks: ['0.0.0.0/0'],
        }),
      addresses: ['aws_security_group_rule.open_ssh'],
    },
  ],
  'iam-no-wildcard-admin': [
    {
      name: 'JSON policy with Action * on Resource *',
      mutate: (doc) => {
        replicationPolicy(doc).policy = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } });
      },
      addresses: ['aws_iam_role_policy.replication_role_policy'],
    },
    {
      name: 'policy document statement with actions ["*"] on ["*"]',
      mutate: (doc) => {
        verificationStatements(doc).push({ effect: 'Allow', actions: ['*'], resources: ['*'] });
      },
      addresses: ['aws_iam_role_policy.verification_role_policy'],
    },
    {
      name: 'AdministratorAccess attached',
      mutate: (doc) =>
        addResource(doc, 'aws_iam_role_policy_attachment', 'admin', {
          role: '${aws_iam_role.verification_role.name}',
          policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      addresses: ['aws_iam_role_policy_attachment.admin'],
    },
  ],
  'iam-rds-destructive-conditioned': [
    {
      name: 'DeleteDBInstance without the tag condition',
      mutate: (doc) => {
        delete (verificationStatements(doc)[2] as Record<string, unknown>).condition;
      },
      addresses: ['aws_iam_role_policy.verification_role_policy'],
    },
    {
      name: 'tag condition weakened to IfExists (untagged resources pass)',
      mutate: (doc) => {
        first((verificationStatements(doc)[2] as Record<string, unknown>).condition).test = 'StringEqualsIfExists';
      },
      addresses: ['aws_iam_role_policy.verification_role_policy'],
    },
    {
      name: 'rds:* on every database',
      mutate: (doc) => {
        const policy = JSON.parse(replicationPolicy(doc).policy as string) as { Statement: unknown[] };
        policy.Statement.push({ Effect: 'Allow', Action: 'rds:*', Resource: '*' });
        replicationPolicy(doc).policy = JSON.stringify(policy);
      },
      addresses: ['aws_iam_role_policy.replication_role_policy'],
    },
    {
      name: 'NotAction that leaves RDS deletion allowed',
      mutate: (doc) => {
        const policy = JSON.parse(replicationPolicy(doc).policy as string) as { Statement: unknown[] };
        policy.Statement.push({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' });
        replicationPolicy(doc).policy = JSON.stringify(policy);
      },
      addresses: ['aws_iam_role_policy.replication_role_policy'],
    },
  ],
  'iam-policy-readable': [
    {
      name: 'policy built with jsonencode',
      mutate: (doc) => {
        replicationPolicy(doc).policy = '${jsonencode({Statement = [{Action = "*", Effect = "Allow", Resource = "*"}]})}';
      },
      addresses: ['aws_iam_role_policy.replication_role_policy'],
    },
    {
      name: 'reference to a policy document that is not in the stack',
      mutate: (doc) => {
        resource(doc, 'aws_iam_role_policy', 'verification_role_policy').policy = '${data.aws_iam_policy_document.elsewhere.json}';
      },
      addresses: ['aws_iam_role_policy.verification_role_policy'],
    },
  ],
};

describe('policy rules on the clean fixture', () => {
  it('finds nothing in the clean document', () => {
    expect(checkDocument(cleanDocument())).toEqual([]);
  });

  it('has at least one seeded misconfiguration for every rule, and no seeds for unknown rules', () => {
    expect(Object.keys(SEEDS).sort()).toEqual(ALL_RULES.map((rule) => rule.id).sort());
  });

  it('gives every rule a known pack, a description and a fix', () => {
    for (const rule of ALL_RULES) {
      expect(POLICY_PACKS).toContain(rule.pack);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(20);
    }
    expect(new Set(ALL_RULES.map((rule) => rule.id)).size).toBe(ALL_RULES.length);
  });
});

describe.each(Object.entries(SEEDS))('rule %s', (ruleId, seeds) => {
  it.each(seeds.map((seed) => [seed.name, seed] as const))('fires alone on: %s', (_name, seed) => {
    const doc = cleanDocument();
    seed.mutate(doc);
    const findings = checkDocument(doc);
    expect(findings.map((found) => found.ruleId)).toEqual(seed.addresses.map(() => ruleId));
    expect(findings.map((found) => found.address)).toEqual(seed.addresses);
    const rule = ALL_RULES.find((candidate) => candidate.id === ruleId);
    for (const found of findings) {
      expect(found.pack).toBe(rule?.pack);
      expect(found.severity).toBe(rule?.severity);
      expect(found.fix.length).toBeGreaterThan(0);
      expect(found.constructPath).toMatch(/^lifeboat\//);
    }
  });
});

describe('docs/policy.md', () => {
  it('documents every rule', () => {
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'policy.md'), 'utf8');
    const documented = [...docs.matchAll(/^\| `([a-z0-9-]+)` \| ([a-z-]+) \| (error|warning) \|/gm)].map((match) => `${match[1]} ${match[2]} ${match[3]}`);
    expect(documented.sort()).toEqual(ALL_RULES.map((rule) => `${rule.id} ${rule.pack} ${rule.severity}`).sort());
  });
});
