import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { stackAccount } from './account';
import { AlarmTopics } from './alarm';
import { EncryptionKey } from './encryption-key';
import { ref } from './private/reference';
import { stackNames } from '../src/aws/names';

export interface AlertTopicsProps {
  /** Regions that get a topic (alarms can only notify a topic of their own region). */
  readonly regions: string[];
  /** Topic name prefix; the topic in region R is `${namePrefix}-alerts-${R}`. */
  readonly namePrefix: string;
  /** Prefix of the alarm names allowed to publish (CloudWatch's aws:SourceArn condition). @default `${namePrefix}-` */
  readonly alarmNamePrefix?: string;
  /** Email addresses subscribed in every region (each must confirm the subscription). @default none */
  readonly emails?: string[];
  /** HTTPS endpoints subscribed in every region. @default none */
  readonly httpsEndpoints?: string[];
  /** Existing topics to notify instead of creating one, by region. @default none (a topic per region is created) */
  readonly existingTopicArns?: Record<string, string>;
  /** Tags for created resources. @default none */
  readonly tags?: Record<string, string>;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;

/**
 * The alert path: one SNS topic per region, encrypted with a customer-managed key whose policy lets CloudWatch
 * alarms (of this account, with the stack's alarm-name prefix) publish, TLS-only publishing, and the subscriptions
 * from the spec. Regions given an existing topic ARN use that topic unchanged.
 */
export class AlertTopics extends Construct {
  /** Topic ARN per region, to pass to every alarm. */
  public readonly topics: AlarmTopics;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const problems: string[] = [];
    const regions = [...new Set(props.regions)].sort();
    if (regions.length === 0) problems.push('regions: at least one region is needed');
    for (const email of props.emails ?? []) {
      if (!EMAIL.test(email)) problems.push(`emails: '${email}' is not an email address`);
    }
    for (const endpoint of props.httpsEndpoints ?? []) {
      if (!endpoint.startsWith('https://')) problems.push(`httpsEndpoints: '${endpoint}' must start with https:// (plain HTTP leaks alerts)`);
    }
    for (const [region, arn] of Object.entries(props.existingTopicArns ?? {})) {
      const match = TOPIC_ARN.exec(arn);
      if (!match) problems.push(`existingTopicArns.${region}: '${arn}' is not an SNS topic ARN`);
      else if (match[1] !== region) problems.push(`existingTopicArns.${region}: topic is in ${match[1]}, alarms in ${region} can only notify a topic in ${region}`);
    }
    if (problems.length > 0) throw new Error(`AlertTopics ${this.node.path}:\n  ${problems.join('\n  ')}`);

    const { accountId, partition } = stackAccount(this);
    const alarmPrefix = props.alarmNamePrefix ?? stackNames.alarmPrefix(props.namePrefix);
    const topics: Record<string, string> = {};
    for (const region of regions) {
      const existing = props.existingTopicArns?.[region];
      if (existing) {
        topics[region] = existing;
        continue;
      }
      const alarmSource = {
        StringEquals: { 'aws:SourceAccount': accountId },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${alarmPrefix}*` },
      };
      const key = new EncryptionKey(this, `key-${region}`, {
        region,
        alias: stackNames.alertKeyAlias(props.namePrefix, region),
        description: `Lifeboat alert topic ${props.namePrefix} in ${region}`,
        serviceGrants: [{ servicePrincipal: 'cloudwatch.amazonaws.com', condition: alarmSource }],
        tags: props.tags,
      });
      const topic = new SnsTopic(this, `topic-${region}`, {
        region,
        name: stackNames.alertTopic(props.namePrefix, region),
        kmsMasterKeyId: key.keyArn,
        tags: props.tags,
      });
      new SnsTopicPolicy(this, `policy-${region}`, {
        region,
        arn: ref(topic, 'arn'),
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountManagesTopic',
              Effect: 'Allow',
              Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
              Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
              Resource: ref(topic, 'arn'),
            },
            {
              Sid: 'CloudWatchAlarmsPublish',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: ref(topic, 'arn'),
              Condition: alarmSource,
            },
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: ref(topic, 'arn'),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      });
      const subscriptions: Array<[string, string]> = [
        ...(props.emails ?? []).map((endpoint): [string, string] => ['email', endpoint]),
        ...(props.httpsEndpoints ?? []).map((endpoint): [string, string] => ['https', endpoint]),
      ];
      subscriptions.forEach(([protocol, endpoint]) => {
        // Ids from the endpoint itself, so adding or removing one subscriber never replaces another.
        new SnsTopicSubscription(this, `sub-${region}-${protocol}-${subscriptionSlug(endpoint)}`, {
          region,
          topicArn: ref(topic, 'arn'),
          protocol,
          endpoint,
          endpointAutoConfirms: protocol === 'https' ? false : undefined,
        });
      });
      topics[region] = topic.arn;
    }
    this.topics = topics;
  }
}

function subscriptionSlug(endpoint: string): string {
  return endpoint.toLowerCase().replace(/^https:\/\//, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
