import {
  AddTagsToResourceCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type CreateDBInstanceCommandInput,
  type DBCluster,
  type DBInstance,
  type Event,
  type RestoreDBClusterToPointInTimeCommandInput,
  type RestoreDBInstanceToPointInTimeCommandInput,
} from '@aws-sdk/client-rds';
import { RetryOptions, withThrottlingRetry } from '../shared/retry';
import { tagList, tagMap, type TagMap } from './tags';

/** What the handler needs to know about a DB instance or DB cluster. */
export interface RdsResource {
  readonly kind: 'instance' | 'cluster';
  readonly identifier: string;
  readonly arn: string;
  /** `DBInstanceStatus` / cluster `Status`, e.g. `creating`, `available`, `deleting`. */
  readonly status: string;
  readonly tags: TagMap;
  readonly createdAt?: Date;
  readonly masterUsername?: string;
  /** The master password is managed in Secrets Manager (must be turned off to set our own). */
  readonly managedMasterSecret: boolean;
  /** A master password change is still pending. */
  readonly passwordPending: boolean;
  /** Instances: the endpoint, once RDS has assigned it. */
  readonly endpoint?: { host: string; port: number };
  /** Instance or cluster: the latest time its backups can restore to. */
  readonly latestRestorableTime?: Date;
}

function errorName(error: unknown): string {
  return error !== null && typeof error === 'object' ? String((error as { name?: unknown }).name ?? '') : '';
}

export function isNotFound(error: unknown): boolean {
  return /NotFound/.test(errorName(error));
}

export function isAlreadyExists(error: unknown): boolean {
  return /AlreadyExists/.test(errorName(error));
}

function fromInstance(instance: DBInstance): RdsResource {
  return {
    kind: 'instance',
    identifier: instance.DBInstanceIdentifier ?? '',
    arn: instance.DBInstanceArn ?? '',
    status: instance.DBInstanceStatus ?? 'unknown',
    tags: tagMap(instance.TagList),
    createdAt: instance.InstanceCreateTime,
    masterUsername: instance.MasterUsername,
    managedMasterSecret: instance.MasterUserSecret !== undefined,
    passwordPending: instance.PendingModifiedValues?.MasterUserPassword !== undefined,
    endpoint:
      instance.Endpoint?.Address && instance.Endpoint.Port ? { host: instance.Endpoint.Address, port: instance.Endpoint.Port } : undefined,
    latestRestorableTime: instance.LatestRestorableTime,
  };
}

function fromCluster(cluster: DBCluster): RdsResource {
  return {
    kind: 'cluster',
    identifier: cluster.DBClusterIdentifier ?? '',
    arn: cluster.DBClusterArn ?? '',
    status: cluster.Status ?? 'unknown',
    tags: tagMap(cluster.TagList),
    createdAt: cluster.ClusterCreateTime,
    masterUsername: cluster.MasterUsername,
    managedMasterSecret: cluster.MasterUserSecret !== undefined,
    passwordPending: cluster.PendingModifiedValues?.MasterUserPassword !== undefined,
    latestRestorableTime: cluster.LatestRestorableTime,
  };
}

/** The RDS calls of the handler, each retried on throttling; "not found" reads return undefined. */
export class RdsGateway {
  constructor(
    private readonly client: RDSClient,
    private readonly retry: RetryOptions,
  ) {}

  private call<T>(operation: () => Promise<T>): Promise<T> {
    return withThrottlingRetry(operation, this.retry);
  }

  async instance(identifier: string): Promise<RdsResource | undefined> {
    try {
      const out = await this.call(() => this.client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })));
      const found = out.DBInstances?.find((instance) => instance.DBInstanceIdentifier === identifier);
      return found ? fromInstance(found) : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async cluster(identifier: string): Promise<RdsResource | undefined> {
    try {
      const out = await this.call(() => this.client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier })));
      const found = out.DBClusters?.find((cluster) => cluster.DBClusterIdentifier === identifier);
      return found ? fromCluster(found) : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Every DB instance of the account in this region (the sweep filters by tag; RDS cannot filter by tag). */
  async allInstances(): Promise<RdsResource[]> {
    const out: RdsResource[] = [];
    let marker: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new DescribeDBInstancesCommand({ Marker: marker, MaxRecords: 100 })));
      out.push(...(page.DBInstances ?? []).map(fromInstance));
      marker = page.Marker;
    } while (marker);
    return out;
  }

  /** Every DB cluster of the account in this region. */
  async allClusters(): Promise<RdsResource[]> {
    const out: RdsResource[] = [];
    let marker: string | undefined;
    do {
      const page = await this.call(() => this.client.send(new DescribeDBClustersCommand({ Marker: marker, MaxRecords: 100 })));
      out.push(...(page.DBClusters ?? []).map(fromCluster));
      marker = page.Marker;
    } while (marker);
    return out;
  }

  /** Latest restorable time of replicated automated backups (their restore window's end). */
  async automatedBackupsLatestTime(arn: string): Promise<Date | undefined> {
    try {
      const out = await this.call(() =>
        this.client.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: arn })),
      );
      const backup = out.DBInstanceAutomatedBackups?.[0];
      return backup?.Status === 'replicating' || backup?.Status === 'active' || backup?.Status === 'retained'
        ? backup.RestoreWindow?.LatestTime
        : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async events(identifier: string, sourceType: 'db-instance' | 'db-cluster', start: Date, end: Date): Promise<Event[]> {
    const out: Event[] = [];
    let marker: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(
          new DescribeEventsCommand({ SourceIdentifier: identifier, SourceType: sourceType, StartTime: start, EndTime: end, Marker: marker, MaxRecords: 100 }),
        ),
      );
      out.push(...(page.Events ?? []));
      marker = page.Marker;
    } while (marker);
    return out;
  }

  async restoreInstance(input: RestoreDBInstanceToPointInTimeCommandInput): Promise<void> {
    await this.call(() => this.client.send(new RestoreDBInstanceToPointInTimeCommand(input)));
  }

  async restoreCluster(input: RestoreDBClusterToPointInTimeCommandInput): Promise<void> {
    await this.call(() => this.client.send(new RestoreDBClusterToPointInTimeCommand(input)));
  }

  async createInstance(input: CreateDBInstanceCommandInput): Promise<void> {
    await this.call(() => this.client.send(new CreateDBInstanceCommand(input)));
  }

  /**
   * Sets a new master password, applied immediately. When RDS manages the password in Secrets Manager, management
   * is turned off in the same call (RDS requires it to accept MasterUserPassword; it deletes the TEMPORARY
   * resource's own secret, never the source's).
   */
  async setMasterPassword(resource: RdsResource, password: string): Promise<void> {
    const manage = resource.managedMasterSecret ? { ManageMasterUserPassword: false } : {};
    if (resource.kind === 'instance') {
      await this.call(() =>
        this.client.send(
          new ModifyDBInstanceCommand({ DBInstanceIdentifier: resource.identifier, MasterUserPassword: password, ApplyImmediately: true, ...manage }),
        ),
      );
    } else {
      await this.call(() =>
        this.client.send(
          new ModifyDBClusterCommand({ DBClusterIdentifier: resource.identifier, MasterUserPassword: password, ApplyImmediately: true, ...manage }),
        ),
      );
    }
  }

  async addTags(resource: RdsResource, tags: TagMap): Promise<void> {
    await this.call(() => this.client.send(new AddTagsToResourceCommand({ ResourceName: resource.arn, Tags: tagList(tags) })));
  }

  /** Deletes without a final snapshot and without retained automated backups: the copy exists only to be checked. */
  async delete(resource: RdsResource, inCluster: boolean): Promise<void> {
    if (resource.kind === 'instance') {
      await this.call(() =>
        this.client.send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: resource.identifier,
            SkipFinalSnapshot: true,
            // Automated backups belong to the cluster for Aurora; DeleteDBCluster removes them.
            ...(inCluster ? {} : { DeleteAutomatedBackups: true }),
          }),
        ),
      );
    } else {
      await this.call(() =>
        this.client.send(new DeleteDBClusterCommand({ DBClusterIdentifier: resource.identifier, SkipFinalSnapshot: true, DeleteAutomatedBackups: true })),
      );
    }
  }
}
