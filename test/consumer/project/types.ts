/**
 * Compile-time checks of the shipped types (tsc must accept this file, `@ts-expect-error` lines included), run
 * with node afterwards: an inline spec through defineRequirements, and imported JSON through parseRequirements.
 */
import * as assert from 'node:assert/strict';
import { defineRequirements, parseRequirements, planBackups, serializePlan, type RequirementsInput } from 'lifeboat';
import type { ReplicatedBucketProps } from 'lifeboat/constructs';
import requirementsJson from './requirements.json';

const inline: RequirementsInput = defineRequirements({
  version: 1,
  name: 'inline',
  environment: 'dev',
  regions: { primary: 'ap-southeast-2', dr: 'ap-southeast-4' },
  alerts: { emails: ['oncall@example.org'] },
  network: {
    primary: { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcde01', 'subnet-0123456789abcde02'] },
    dr: { vpcId: 'vpc-0fedcba9876543210', subnetIds: ['subnet-0fedcba98765432a1', 'subnet-0fedcba98765432a2'] },
  },
  buckets: [{ id: 'logs', rpo: '1h', retention: '30d', objectLock: { mode: 'governance', days: 7 } }],
});
assert.equal(planBackups(parseRequirements(inline)).summary.errors, 0);

// @ts-expect-error the spec has one version, a literal 1
defineRequirements({ ...inline, version: 2 });
// @ts-expect-error lock modes are written in lower case, in the spec and in every construct
defineRequirements({ ...inline, buckets: [{ id: 'logs', rpo: '1h', retention: '30d', objectLock: { mode: 'COMPLIANCE', days: 7 } }] });
// @ts-expect-error an unknown field
defineRequirements({ ...inline, regoins: {} });
// @ts-expect-error the construct takes the spec's casing too
const upper: ReplicatedBucketProps['objectLock'] = { mode: 'COMPLIANCE', days: 7 };
void upper;

// Imported JSON types `version` as number: it goes through parseRequirements, which validates at run time.
const fromJson = planBackups(parseRequirements(requirementsJson));
assert.equal(fromJson.summary.errors, 0);
process.stdout.write(`types: inline and imported specs plan (${serializePlan(fromJson).length} bytes)\n`);
