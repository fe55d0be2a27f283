import * as fs from 'node:fs';
import * as path from 'node:path';

export const EXAMPLE_PATH = path.join(__dirname, '..', '..', 'examples', 'backup_requirements.json');

/** A fresh copy of examples/backup_requirements.json as raw JSON. */
export function exampleSpec(): Record<string, any> {
  return JSON.parse(fs.readFileSync(EXAMPLE_PATH, 'utf8'));
}

/** The smallest valid spec: one PostgreSQL instance and one bucket, objectives from defaults. */
export function baseSpec(): Record<string, any> {
  return {
    version: 1,
    name: 'shop',
    environment: 'test',
    regions: { primary: 'eu-west-1', dr: 'eu-central-1' },
    alerts: { emails: ['oncall@example.com'] },
    network: {
      primary: { vpcId: 'vpc-0a1b2c3d', subnetIds: ['subnet-0a1b2c01', 'subnet-0a1b2c02'], securityGroupIds: ['sg-0a1b2c3d'] },
      dr: { vpcId: 'vpc-0f1e2d3c', subnetIds: ['subnet-0f1e2d01', 'subnet-0f1e2d02'], securityGroupIds: ['sg-0f1e2d3c'] },
    },
    defaults: {
      rpo: { az: '5m', region: '1h', corruption: '5m' },
      rto: { az: '1h', region: '4h', corruption: '4h' },
    },
    databases: [
      {
        id: 'orders',
        engine: 'postgres',
        engineVersion: '16',
        instanceClass: 'db.r6g.large',
        storageGb: 100,
        retention: { pointInTime: '7d' },
        verification: {
          schedule: '1d',
          checks: [{ type: 'tableExists', table: 'orders' }],
          freshness: { table: 'orders', column: 'created_at' },
        },
      },
    ],
    buckets: [{ id: 'documents', rpo: '1h', rto: '1h', retention: '90d' }],
  };
}

/** Sets `value` at a dotted path (numeric segments index arrays); `undefined` deletes the field. */
export function setPath(doc: Record<string, any>, dotted: string, value: unknown): Record<string, any> {
  const keys = dotted.split('.');
  let node: any = doc;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === undefined) node[key] = {};
    node = node[key];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return doc;
}
