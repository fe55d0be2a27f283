/**
 * A team's own cdktf app using the installed package: DisasterRecovery from a requirements file, and standalone
 * ReplicatedBucket / ProtectedDatabase wired to resources of its own. Compiled with tsc against the shipped types and
 * run with plain node by test/consumer/run.ts.
 */
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { loadRequirements, planBackups, serializePlan } from 'lifeboat';
import {
  DisasterRecovery,
  EncryptionKey,
  ProtectedDatabase,
  ReplicatedBucket,
  stackBucketKey,
  type ObjectLockRetention,
  type ProtectedDatabaseProps,
} from 'lifeboat/constructs';

const PRIMARY = 'us-east-2';
const DR = 'us-west-2';

/** DisasterRecovery from the team's requirements, beside a topic of the team's own. */
class TicketsRecovery extends TerraformStack {
  constructor(scope: Construct, id: string, requirementsFile: string) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new AwsProvider(this, 'aws', { region: PRIMARY });
    const plan = planBackups(loadRequirements(requirementsFile));
    const recovery = new DisasterRecovery(this, 'lifeboat', { plan });
    const events = new SnsTopic(this, 'app-events', { region: PRIMARY, name: 'tickets-app-events' });
    new TerraformOutput(this, 'events-topic', { value: events.arn });
    new TerraformOutput(this, 'recovery-path', { value: recovery.node.path });
    process.stdout.write(`${id}: ${plan.stores.length} stores, plan ${serializePlan(plan).length} bytes\n`);
  }
}

/** The constructs alone, wired to the team's own security group, topics and keys. */
class TicketsStorage extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new AwsProvider(this, 'aws', { region: PRIMARY });
    const topic = new SnsTopic(this, 'alerts', { region: PRIMARY, name: 'tickets-storage-alerts' });
    const drTopic = new SnsTopic(this, 'alerts-dr', { region: DR, name: 'tickets-storage-alerts' });
    const databaseAccess = new SecurityGroup(this, 'database-access', {
      region: PRIMARY,
      name: 'tickets-database',
      description: 'PostgreSQL from the application subnets',
      vpcId: 'vpc-0123456789abcdef0',
      ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlocks: ['10.20.0.0/16'], description: 'app' }],
    });

    const lock: ObjectLockRetention = { mode: 'compliance', days: 30 };
    new ReplicatedBucket(this, 'exports', {
      sourceRegion: PRIMARY,
      replicaRegion: DR,
      sourceBucketName: `tickets-exports-${PRIMARY}`,
      replicaBucketName: `tickets-exports-${DR}`,
      retentionDays: 365,
      rpoSeconds: 900,
      objectLock: lock,
      sourceKey: stackBucketKey(this, { region: PRIMARY, aliasPrefix: 'tickets' }),
      replicaKey: stackBucketKey(this, { region: DR, aliasPrefix: 'tickets' }),
      alarmTopics: { [PRIMARY]: topic.arn },
      tags: { team: 'payments' },
    });

    const database: ProtectedDatabaseProps = {
      stackName: 'tickets',
      databaseId: 'refunds',
      region: PRIMARY,
      engine: 'postgres',
      engineVersion: '17',
      instanceClass: 'db.t4g.large',
      allocatedStorageGb: 50,
      encryptionKey: new EncryptionKey(this, 'rds-key', { region: PRIMARY, alias: 'tickets-rds', description: 'tickets databases' }),
      subnetIds: ['subnet-0123456789abcde01', 'subnet-0123456789abcde02'],
      securityGroupIds: [databaseAccess.id],
      multiAz: true,
      backupRetentionDays: 14,
      dr: {
        region: DR,
        encryptionKey: new EncryptionKey(this, 'rds-key-dr', { region: DR, alias: 'tickets-rds', description: 'tickets database copies' }),
      },
      backupReplicationRetentionDays: 7,
      alarmTopics: { [PRIMARY]: topic.arn, [DR]: drTopic.arn },
    };
    new ProtectedDatabase(this, 'refunds', database);
  }
}

const app = new App({ outdir: path.join(process.cwd(), 'cdktf.out') });
new TicketsRecovery(app, 'tickets', path.join(process.cwd(), 'requirements.json'));
new TicketsStorage(app, 'tickets-storage');
app.synth();
