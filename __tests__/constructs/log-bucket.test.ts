import { Testing } from 'cdktf';
import { LoadBalancer } from '../../stacks/constructs/load-balancer';
import { LogBucket, type LogBucketProps } from '../../stacks/constructs/log-bucket';
import { checkPolicy } from '../../stacks/policy/engine';
import { byPath, parse, type SynthJson } from '../support/synth';

const PROPS: LogBucketProps = { namePrefix: 'bookmarks-prod-alb-logs-', region: 'eu-west-1', expirationDays: 90 };

function synthBucket(overrides: Partial<LogBucketProps> = {}, withLoadBalancer = false): SynthJson {
  return parse(
    Testing.synthScope((scope) => {
      const logs = new LogBucket(scope, 'logs', { ...PROPS, ...overrides });
      if (withLoadBalancer) new LoadBalancer(scope, 'alb', { name: 'test-prod', vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'], accessLogs: logs });
    }),
  );
}
const policyOf = (json: SynthJson) => JSON.parse(String(byPath(json, 'logs/policy').props.policy)) as { Statement: Record<string, unknown>[] };

describe('LogBucket', () => {
  it('lets the regional load balancer account put objects, and nothing else', () => {
    expect(policyOf(synthBucket()).Statement[0]).toMatchObject({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::156460612806:root' }, Action: ['s3:PutObject'] });
  });

  it('refuses every request without TLS', () => {
    expect(policyOf(synthBucket()).Statement[1]).toMatchObject({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  it('encrypts with S3-managed keys, which ALB log delivery supports', () => {
    expect(byPath(synthBucket(), 'logs/encryption').props.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
  });

  it('expires logs after the given days', () => {
    expect(byPath(synthBucket({ expirationDays: 30 }), 'logs/lifecycle').props.rule).toMatchObject([{ status: 'Enabled', expiration: [{ days: 30 }] }]);
  });

  it('breaks none of the S3 rules', () => {
    const findings = checkPolicy(synthBucket(), { stackId: 'test', environment: 'prod' }).findings.filter((f) => f.ruleId.startsWith('S3'));
    expect(findings).toEqual([]);
  });

  it('keeps its logs on destroy unless told otherwise', () => {
    expect([byPath(synthBucket(), 'logs/bucket').props.force_destroy, byPath(synthBucket({ forceDestroy: true }), 'logs/bucket').props.force_destroy]).toEqual([false, true]);
  });

  it('refuses a name prefix S3 cannot take, naming the prop and an example', () => {
    expect(() => synthBucket({ namePrefix: 'Bookmarks_Logs' })).toThrow(/namePrefix "Bookmarks_Logs" is not a bucket name prefix; .* e\.g\. bookmarks-prod-alb-logs-/);
  });

  it('refuses an expiry of zero days', () => {
    expect(() => synthBucket({ expirationDays: 0 })).toThrow(/expirationDays 0 .* e\.g\. 90/);
  });
});

describe('LoadBalancer accessLogs', () => {
  it('logs to the bucket below its own name, once the bucket policy lets it', () => {
    const lb = byPath(synthBucket({}, true), 'alb/load-balancer').props;
    expect([lb.access_logs, lb.depends_on]).toEqual([
      { bucket: expect.stringMatching(/^\$\{aws_s3_bucket\.logs_bucket_\w+\.bucket\}$/), prefix: 'test-prod', enabled: true },
      [expect.stringMatching(/^aws_s3_bucket_policy\.logs_policy_\w+$/)],
    ]);
  });
});
