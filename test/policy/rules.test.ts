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
/** A JSON bucket policy with the fixture's TLS-only deny for `bucket` and one more statement. */
const jsonBucketPolicy = (bucket: string, statement: Record<string, unknown>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`\${aws_s3_bucket.${bucket}.arn}`, `\${aws_s3_bucket.${bucket}.arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      statement,
    ],
  });

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
      name: 'TLS deny limited to one account instead of everyone',
      mutate: (doc) => {
        tlsStatement(doc).principals = [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }];
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
      name: 'replica bucket in the source region (the per-resource region argument): no regional protection',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket', 'documents_eu_central_1').region = 'eu-west-1';
      },
      addresses: ['aws_s3_bucket.documents_eu_central_1', DOCS],
    },
    {
      name: 'both buckets without a region argument: both in the default provider region',
      mutate: (doc) => {
        delete resource(doc, 'aws_s3_bucket', 'audit_logs_eu_west_1').region;
        delete resource(doc, 'aws_s3_bucket', 'audit_logs_eu_central_1').region;
      },
      addresses: ['aws_s3_bucket.audit_logs_eu_central_1', AUDIT],
    },
    {
      name: 'replica through a provider alias configured for the source region',
      mutate: (doc) => {
        (doc.provider as { aws: unknown[] }).aws.push({ alias: 'replica', region: 'eu-west-1' });
        const replica = resource(doc, 'aws_s3_bucket', 'documents_eu_central_1');
        delete replica.region;
        replica.provider = 'aws.replica';
      },
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
  's3-no-public-acl': [
    {
      name: 'aws_s3_bucket_acl with the canned public-read ACL',
      mutate: (doc) => addResource(doc, 'aws_s3_bucket_acl', 'documents_acl', { bucket: '${aws_s3_bucket.documents_eu_west_1.id}', acl: 'public-read' }),
      addresses: ['aws_s3_bucket_acl.documents_acl'],
    },
    {
      name: 'aws_s3_bucket_acl granting READ to AuthenticatedUsers (any AWS account)',
      mutate: (doc) =>
        addResource(doc, 'aws_s3_bucket_acl', 'audit_acl', {
          bucket: '${aws_s3_bucket.audit_logs_eu_west_1.id}',
          access_control_policy: {
            owner: { id: 'owner-canonical-id' },
            grant: [
              { permission: 'FULL_CONTROL', grantee: { type: 'CanonicalUser', id: 'owner-canonical-id' } },
              { permission: 'READ', grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' } },
            ],
          },
        }),
      addresses: ['aws_s3_bucket_acl.audit_acl'],
    },
    {
      name: 'inline acl = "public-read-write" on the bucket',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket', 'documents_eu_west_1').acl = 'public-read-write';
      },
      addresses: [DOCS],
    },
    {
      name: 'inline grant to AllUsers on the bucket',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket', 'documents_eu_central_1').grant = [
          { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers', permissions: ['READ'] },
        ];
      },
      addresses: ['aws_s3_bucket.documents_eu_central_1'],
    },
    {
      name: 'an object uploaded with acl = "authenticated-read"',
      mutate: (doc) =>
        addResource(doc, 'aws_s3_object', 'report', { bucket: '${aws_s3_bucket.documents_eu_west_1.id}', key: 'report.pdf', acl: 'authenticated-read' }),
      addresses: ['aws_s3_object.report'],
    },
  ],
  's3-no-public-policy': [
    {
      name: 'policy document allowing s3:GetObject to {"AWS": "*"} beside the TLS deny',
      mutate: (doc) => {
        (dataSource(doc, 'aws_iam_policy_document', 'documents_eu_west_1_tls_only').statement as unknown[]).push({
          effect: 'Allow',
          actions: ['s3:GetObject'],
          resources: ['${aws_s3_bucket.documents_eu_west_1.arn}/*'],
          principals: [{ type: 'AWS', identifiers: ['*'] }],
        });
      },
      addresses: ['aws_s3_bucket_policy.documents_eu_west_1_policy'],
    },
    {
      name: 'JSON policy with "*" in a list of AWS principals',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket_policy', 'audit_logs_eu_west_1_policy').policy = jsonBucketPolicy('audit_logs_eu_west_1', {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: '${aws_s3_bucket.audit_logs_eu_west_1.arn}/*',
        });
      },
      addresses: ['aws_s3_bucket_policy.audit_logs_eu_west_1_policy'],
    },
    {
      name: 'policy document with not_principals (everyone but one account)',
      mutate: (doc) => {
        (dataSource(doc, 'aws_iam_policy_document', 'documents_eu_central_1_tls_only').statement as unknown[]).push({
          effect: 'Allow',
          actions: ['s3:GetObject'],
          resources: ['${aws_s3_bucket.documents_eu_central_1.arn}/*'],
          not_principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }],
        });
      },
      addresses: ['aws_s3_bucket_policy.documents_eu_central_1_policy'],
    },
    {
      name: 'Allow with NotPrincipal (everyone but one account)',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket_policy', 'audit_logs_eu_west_1_policy').policy = jsonBucketPolicy('audit_logs_eu_west_1', {
          Effect: 'Allow',
          NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 's3:GetObject',
          Resource: '${aws_s3_bucket.audit_logs_eu_west_1.arn}/*',
        });
      },
      addresses: ['aws_s3_bucket_policy.audit_logs_eu_west_1_policy'],
    },
    {
      name: 'conditions that do not limit the caller (IfExists, aws:SourceIp 0.0.0.0/0, a wildcard aws:SourceArn)',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket_policy', 'audit_logs_eu_west_1_policy').policy = jsonBucketPolicy('audit_logs_eu_west_1', {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: '${aws_s3_bucket.audit_logs_eu_west_1.arn}/*',
          Condition: {
            StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-0a1b2c3d' },
            IpAddress: { 'aws:SourceIp': '0.0.0.0/0' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:cloudfront::*' },
            Bool: { 'aws:SecureTransport': 'true' },
          },
        });
      },
      addresses: ['aws_s3_bucket_policy.audit_logs_eu_west_1_policy'],
    },
    {
      name: 'internet access point whose policy allows everyone (inline, and attached with aws_s3control_access_point_policy)',
      mutate: (doc) => {
        const open = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: '*' }] });
        addResource(doc, 'aws_s3_access_point', 'downloads', { bucket: '${aws_s3_bucket.documents_eu_west_1.id}', name: 'downloads', policy: open });
        addResource(doc, 'aws_s3_access_point', 'partners', { bucket: '${aws_s3_bucket.documents_eu_west_1.id}', name: 'partners' });
        addResource(doc, 'aws_s3control_access_point_policy', 'partners', { access_point_arn: '${aws_s3_access_point.partners.arn}', policy: open });
      },
      addresses: ['aws_s3_access_point.downloads', 'aws_s3control_access_point_policy.partners'],
    },
    {
      name: 'inline policy on the bucket itself',
      mutate: (doc) => {
        resource(doc, 'aws_s3_bucket', 'documents_eu_central_1').policy = JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::shop-documents-eu-central-1/*' }],
        });
      },
      addresses: ['aws_s3_bucket.documents_eu_central_1'],
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
  'no-unchecked-modules': [
    {
      name: 'a Terraform module call whose buckets the rules cannot see',
      mutate: (doc) => {
        doc.module = {
          uploads: {
            '//': { metadata: { path: 'lifeboat/uploads', uniqueId: 'uploads' } },
            source: 'terraform-aws-modules/s3-bucket/aws',
            version: '4.1.0',
            bucket: 'shop-uploads',
          },
        };
      },
      addresses: ['module.uploads'],
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
      name: 'JSON policy with NotAction on Resource * (every action but a few, including future ones)',
      mutate: (doc) => {
        const policy = JSON.parse(replicationPolicy(doc).policy as string) as { Statement: unknown[] };
        policy.Statement.push({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' });
        replicationPolicy(doc).policy = JSON.stringify(policy);
      },
      addresses: ['aws_iam_role_policy.replication_role_policy'],
    },
    {
      name: 'policy document statement with not_actions on ["*"]',
      mutate: (doc) => {
        verificationStatements(doc).push({ effect: 'Allow', not_actions: ['iam:*'], resources: ['*'] });
      },
      addresses: ['aws_iam_role_policy.verification_role_policy'],
    },
    {
      name: 'Action * on everything but one resource (NotResource)',
      mutate: (doc) => {
        const policy = JSON.parse(replicationPolicy(doc).policy as string) as { Statement: unknown[] };
        policy.Statement.push({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::audit/*' });
        replicationPolicy(doc).policy = JSON.stringify(policy);
      },
      addresses: ['aws_iam_role_policy.replication_role_policy'],
    },
    {
      name: 'PowerUserAccess attached (NotAction iam:*, organizations:*, account:* on *)',
      mutate: (doc) =>
        addResource(doc, 'aws_iam_role_policy_attachment', 'power_user', {
          role: '${aws_iam_role.verification_role.name}',
          policy_arn: 'arn:aws:iam::aws:policy/PowerUserAccess',
        }),
      addresses: ['aws_iam_role_policy_attachment.power_user'],
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
      name: 'NotAction on the databases that leaves RDS deletion allowed',
      mutate: (doc) => {
        const policy = JSON.parse(replicationPolicy(doc).policy as string) as { Statement: unknown[] };
        policy.Statement.push({ Effect: 'Allow', NotAction: ['rds:CreateDBInstance'], Resource: 'arn:aws:rds:eu-west-1:111122223333:db:*' });
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

/** Near misses of the public-access and region rules: each is fine, and nothing may fire on it. */
const SILENT: Array<{ name: string; mutate(doc: TerraformDocument): void }> = [
  {
    name: 'private canned ACL, and a grant to the log-delivery group',
    mutate: (doc) =>
      addResource(doc, 'aws_s3_bucket_acl', 'logs_acl', {
        bucket: '${aws_s3_bucket.documents_eu_west_1.id}',
        acl: 'private',
        access_control_policy: {
          owner: { id: 'owner-canonical-id' },
          grant: [{ permission: 'WRITE', grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/s3/LogDelivery' } }],
        },
      }),
  },
  {
    name: 'Principal "*" limited by fixed aws:SourceVpce, aws:PrincipalOrgID or an aws:SourceIp range',
    mutate: (doc) => {
      const statement = (condition: Record<string, unknown>) => ({
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: '${aws_s3_bucket.audit_logs_eu_west_1.arn}/*',
        Condition: condition,
      });
      const policy = JSON.parse(jsonBucketPolicy('audit_logs_eu_west_1', statement({ StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } }))) as {
        Statement: unknown[];
      };
      policy.Statement.push(statement({ StringEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5'] } }));
      policy.Statement.push(statement({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } }));
      policy.Statement.push(statement({ ArnEquals: { 'aws:SourceArn': '${aws_cloudfront_distribution.site.arn}' } }));
      resource(doc, 'aws_s3_bucket_policy', 'audit_logs_eu_west_1_policy').policy = JSON.stringify(policy);
    },
  },
  {
    name: 'policy document allowing "*" only through a fixed VPC endpoint',
    mutate: (doc) => {
      (dataSource(doc, 'aws_iam_policy_document', 'documents_eu_west_1_tls_only').statement as unknown[]).push({
        effect: 'Allow',
        actions: ['s3:GetObject'],
        resources: ['${aws_s3_bucket.documents_eu_west_1.arn}/*'],
        principals: [{ type: '*', identifiers: ['*'] }],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceVpce', values: ['${aws_vpc_endpoint.s3.id}'] }],
      });
    },
  },
  {
    name: 'a VPC-only access point with a Principal "*" policy',
    mutate: (doc) => {
      const open = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: '*' }] });
      addResource(doc, 'aws_s3_access_point', 'internal', {
        bucket: '${aws_s3_bucket.documents_eu_west_1.id}',
        name: 'internal',
        vpc_configuration: { vpc_id: 'vpc-0a1b2c3d4e5f60718' },
        policy: open,
      });
      addResource(doc, 'aws_s3control_access_point_policy', 'internal', { access_point_arn: '${aws_s3_access_point.internal.arn}', policy: open });
    },
  },
  {
    name: 'named principals: an account, a role and a service',
    mutate: (doc) => {
      resource(doc, 'aws_s3_bucket_policy', 'audit_logs_eu_west_1_policy').policy = jsonBucketPolicy('audit_logs_eu_west_1', {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:root', '${aws_iam_role.replication_role.arn}'], Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: '${aws_s3_bucket.audit_logs_eu_west_1.arn}/*',
      });
    },
  },
  {
    name: 'replica through a provider alias configured for another region',
    mutate: (doc) => {
      (doc.provider as { aws: unknown[] }).aws.push({ alias: 'dr', region: 'eu-central-1' });
      const replica = resource(doc, 'aws_s3_bucket', 'documents_eu_central_1');
      delete replica.region;
      replica.provider = 'aws.dr';
    },
  },
  {
    name: 'replica region given as an expression (not provably the same region)',
    mutate: (doc) => {
      resource(doc, 'aws_s3_bucket', 'documents_eu_central_1').region = '${var.dr_region}';
    },
  },
  {
    name: 'replication to a bucket outside the stack, named by ARN',
    mutate: (doc) => {
      const rule = first(resource(doc, 'aws_s3_bucket_replication_configuration', 'documents_eu_west_1_replication').rule);
      first<Record<string, unknown>>(rule.destination).bucket = 'arn:aws:s3:::other-account-documents-replica';
      // The former replica is now a bucket of its own: give it its own copy to keep this case about the source.
      removeResource(doc, 'aws_s3_bucket', 'documents_eu_central_1');
      for (const type of ['aws_s3_bucket_versioning', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_policy']) {
        const name = Object.keys(doc.resource?.[type] ?? {}).find((candidate) => candidate.startsWith('documents_eu_central_1'));
        if (name !== undefined) removeResource(doc, type, name);
      }
      const replication = resource(doc, 'aws_s3_bucket_replication_configuration', 'documents_eu_west_1_replication');
      replication.depends_on = ['aws_s3_bucket_versioning.documents_eu_west_1_versioning'];
    },
  },
  {
    name: 'a Deny to everyone with NotAction (the usual guard statement)',
    mutate: (doc) => {
      const policy = JSON.parse(replicationPolicy(doc).policy as string) as { Statement: unknown[] };
      policy.Statement.push({ Effect: 'Deny', NotAction: ['s3:Get*'], Resource: '*' });
      replicationPolicy(doc).policy = JSON.stringify(policy);
    },
  },
];

describe.each(SILENT.map((entry) => [entry.name, entry] as const))('near miss: %s', (_name, entry) => {
  it('is not reported', () => {
    const doc = cleanDocument();
    entry.mutate(doc);
    expect(checkDocument(doc)).toEqual([]);
  });
});

describe('an Allow where the TLS-only Deny should be', () => {
  it('is reported twice: no TLS-only deny, and a public grant', () => {
    const doc = cleanDocument();
    tlsStatement(doc).effect = 'Allow';
    expect(checkDocument(doc).map((found) => `${found.ruleId} ${found.address}`)).toEqual([
      's3-tls-only aws_s3_bucket.documents_eu_west_1',
      's3-no-public-policy aws_s3_bucket_policy.documents_eu_west_1_policy',
    ]);
  });
});
