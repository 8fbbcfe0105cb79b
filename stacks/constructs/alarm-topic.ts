/**
 * The notification topic of an environment's alarms: an SNS topic encrypted with its own rotating
 * KMS key, which only CloudWatch alarms of the same account may publish to, and its subscriptions.
 */
import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsKeyPolicy } from '@cdktf/provider-aws/lib/kms-key-policy';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { keyPolicyDocument, resourcePolicyDocument } from '../lib/iam';

/** The one service that may publish to the topic. */
export const ALARM_PUBLISHER = 'cloudwatch.amazonaws.com';

/** Props of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** Name of the topic, e.g. `<project>-<env>-alarms`; also describes its key. */
  readonly name: string;
  /** Addresses notified by email; each confirms its subscription once. @default [] */
  readonly emails?: readonly string[];
  /** HTTPS endpoints notified (chat webhooks, incident tools). @default [] */
  readonly httpsEndpoints?: readonly string[];
}

/** An encrypted SNS topic for alarm and OK notifications, with its key and subscriptions. */
export class AlarmTopic extends Construct {
  readonly topicArn: string;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const emails = props.emails ?? [];
    const endpoints = props.httpsEndpoints ?? [];
    const problems = [
      ...emails.filter((e) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e)).map((e) => `emails: "${e}" is not an email address; use e.g. ops@example.com`),
      ...endpoints.filter((e) => !e.startsWith('https://')).map((e) => `httpsEndpoints: "${e}" is not an https:// URL; use e.g. https://hooks.example.com/alarms`),
    ];
    if (problems.length > 0) throw new Error(`AlarmTopic ${props.name}: ${problems.join('; ')}`);

    // Its own key: the AWS managed aws/sns key cannot grant CloudWatch the use of it, so alarms could not publish.
    const key = new KmsKey(this, 'key', { description: `Encrypts the alarm notifications of ${props.name}`, enableKeyRotation: true, deletionWindowInDays: 30 });
    const topic = new SnsTopic(this, 'topic', { name: props.name, kmsMasterKeyId: key.arn });
    // The account is the topic's owner, so plans need no AWS lookup.
    const account = topic.owner;
    new KmsKeyPolicy(this, 'key-policy', {
      keyId: key.keyId,
      policy: keyPolicyDocument(`arn:aws:iam::${account}:root`, [
        {
          sid: 'CloudWatchAlarmsEncrypt',
          principal: { Service: ALARM_PUBLISHER },
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        },
      ]),
    });
    new SnsTopicPolicy(this, 'policy', {
      arn: topic.arn,
      policy: resourcePolicyDocument([
        {
          sid: 'CloudWatchAlarmsPublish',
          principal: { Service: ALARM_PUBLISHER },
          actions: ['sns:Publish'],
          resources: [topic.arn],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        },
      ]),
    });
    // Ids from the endpoint, not its position: removing one address must not replace the others.
    for (const email of emails) new SnsTopicSubscription(this, `email-${email}`, { topicArn: topic.arn, protocol: 'email', endpoint: email });
    for (const url of endpoints) new SnsTopicSubscription(this, `https-${url}`, { topicArn: topic.arn, protocol: 'https', endpoint: url });
    this.topicArn = topic.arn;
    this.keyArn = key.arn;
  }
}
