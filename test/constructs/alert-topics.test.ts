import 'cdktf/lib/testing/adapters/jest';
import { AlertTopics } from '../../constructs/alert-topics';
import { cleanupTestApps, resourcesOfType, synthStack } from '../support/synth';

afterAll(cleanupTestApps);

describe('AlertTopics', () => {
  const build = () =>
    synthStack((stack) => {
      new AlertTopics(stack, 'alerts', {
        regions: ['eu-west-1', 'eu-central-1'],
        namePrefix: 'shop',
        emails: ['oncall@example.com'],
        httpsEndpoints: ['https://events.pagerduty.com/integration/abc/enqueue'],
      });
    });

  it('creates one CMK-encrypted topic per region, each with the subscriptions', () => {
    const out = build();
    const topics = Object.values(resourcesOfType(out, 'aws_sns_topic'));
    expect(topics.map((t) => [t.region, t.name])).toEqual([
      ['eu-central-1', 'shop-alerts-eu-central-1'],
      ['eu-west-1', 'shop-alerts-eu-west-1'],
    ]);
    for (const topic of topics) expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\..*\.arn\}$/);
    const subs = Object.values(resourcesOfType(out, 'aws_sns_topic_subscription'));
    expect(subs.map((s) => `${s.region} ${s.protocol} ${s.endpoint}`).sort()).toEqual([
      'eu-central-1 email oncall@example.com',
      'eu-central-1 https https://events.pagerduty.com/integration/abc/enqueue',
      'eu-west-1 email oncall@example.com',
      'eu-west-1 https https://events.pagerduty.com/integration/abc/enqueue',
    ]);
  });

  it("lets CloudWatch alarms of this account and stack use the key and publish (encrypted topics drop alarms otherwise)", () => {
    const out = build();
    for (const key of Object.values(resourcesOfType(out, 'aws_kms_key'))) {
      const grant = JSON.parse(key.policy).Statement.find((s: any) => s.Principal.Service === 'cloudwatch.amazonaws.com');
      expect(grant.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(grant.Condition.ArnLike['aws:SourceArn']).toMatch(new RegExp(`:cloudwatch:${key.region}:.*:alarm:shop-\\*$`));
    }
    for (const policy of Object.values(resourcesOfType(out, 'aws_sns_topic_policy'))) {
      const statements = JSON.parse(policy.policy).Statement;
      expect(statements.find((s: any) => s.Sid === 'CloudWatchAlarmsPublish').Condition.StringEquals).toHaveProperty('aws:SourceAccount');
      expect(statements.find((s: any) => s.Sid === 'DenyInsecureTransport')).toMatchObject({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    }
  });

  it('uses an existing topic where given and creates one only for the other region', () => {
    const existing = 'arn:aws:sns:eu-west-1:111122223333:platform-alerts';
    let topics: Record<string, string> = {};
    const out = synthStack((stack) => {
      topics = new AlertTopics(stack, 'alerts', {
        regions: ['eu-west-1', 'eu-central-1'],
        namePrefix: 'shop',
        emails: ['oncall@example.com'],
        existingTopicArns: { 'eu-west-1': existing },
      }).topics;
    });
    expect(topics['eu-west-1']).toBe(existing);
    expect(Object.values(resourcesOfType(out, 'aws_sns_topic')).map((t) => t.region)).toEqual(['eu-central-1']);
  });

  it('rejects a topic from another region, a plain-HTTP endpoint and a malformed email, all at once', () => {
    expect(() =>
      synthStack((stack) => {
        new AlertTopics(stack, 'alerts', {
          regions: ['eu-west-1'],
          namePrefix: 'shop',
          emails: ['not-an-email'],
          httpsEndpoints: ['http://hooks.example.com'],
          existingTopicArns: { 'eu-west-1': 'arn:aws:sns:us-east-1:111122223333:alerts' },
        });
      }),
    ).toThrow(/emails: 'not-an-email'[\s\S]*httpsEndpoints: 'http:\/\/hooks.example.com' must start with https:\/\/[\s\S]*topic is in us-east-1/);
  });
});
