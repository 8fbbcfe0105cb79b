/** The alarm settings: on by default wherever CloudWatch exists, thresholds per environment, per-service overrides, and problems that name the fix. */
import { Testing } from 'cdktf';
import * as path from 'node:path';
import { loadConfig } from '../../stacks/settings/config';
import { ServiceStack } from '../../stacks/service-stack';
import { configProblems } from '../support/config';
import { FAKE_ALARM_TOPIC, FAKE_NETWORK, fakeTables, writeTree } from '../support/service-fixtures';
import { parse, resources } from '../support/synth';

const ROOT = path.resolve(__dirname, '../..');
const ORDER = { name: 'order', image: 'registry:nginx', containerPort: 8080, external: { port: 80 } };
/** loadConfig of dev with a services file holding `services`. */
const withServices = (services: unknown[], env: Record<string, string> = {}) => {
  const dir = writeTree({ 'services.json': JSON.stringify({ services }) });
  return { CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: path.join(dir, 'services.json'), ...env };
};

describe('defaults', () => {
  it.each(['dev', 'prod', 'sandbox'])('turns alarms and rollback on in %s without any setting', (env) => {
    const { alarms } = loadConfig({ CDKTF_ENV: env, CDKTF_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }, ROOT);
    expect([alarms.enabled, alarms.rollback, alarms.emails, alarms.httpsEndpoints]).toEqual([true, true, [], []]);
  });

  it('keeps alarms off in local, which does not read the alarm variables', () => {
    const { alarms } = loadConfig({ CDKTF_ENV: 'local', CDKTF_ALARMS: 'true', CDKTF_ALARM_ROLLBACK: 'true' }, ROOT);
    expect([alarms.enabled, alarms.rollback]).toEqual([false, false]);
  });

  it('pages sooner in prod than in dev', () => {
    const dev = loadConfig({ CDKTF_ENV: 'dev' }, ROOT).alarms;
    const prod = loadConfig({ CDKTF_ENV: 'prod', CDKTF_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }, ROOT).alarms;
    expect(prod.service.errorRatePercent).toBeLessThan(dev.service.errorRatePercent);
    expect(prod.service.p99Ms).toBeLessThan(dev.service.p99Ms);
    expect(prod.resourceEvaluation.periodSeconds).toBeLessThan(dev.resourceEvaluation.periodSeconds);
  });
});

describe('variables', () => {
  it('reads subscriptions and the thresholds of every service', () => {
    const { alarms } = loadConfig(
      { CDKTF_ENV: 'dev', CDKTF_ALARM_EMAILS: 'ops@example.com, oncall@example.com', CDKTF_ALARM_ERROR_RATE_PERCENT: '5', CDKTF_ALARM_P99_MS: '800' },
      ROOT,
    );
    expect([alarms.emails, alarms.service.errorRatePercent, alarms.service.p99Ms]).toEqual([['ops@example.com', 'oncall@example.com'], 5, 800]);
  });

  it('refuses rollback without alarms, naming both variables', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_ALARMS: 'false' }, ROOT))).toEqual([
      expect.stringMatching(/^CDKTF_ALARM_ROLLBACK: true needs .*CDKTF_ALARMS=true/),
    ]);
  });

  it('names a bad address, a plain-HTTP endpoint and a bad number with the fix', () => {
    const problems = configProblems(() =>
      loadConfig({ CDKTF_ENV: 'dev', CDKTF_ALARM_EMAILS: 'ops', CDKTF_ALARM_HTTPS_ENDPOINTS: 'http://hooks.example.com', CDKTF_ALARM_P99_MS: 'fast' }, ROOT),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CDKTF_ALARM_P99_MS: "fast" is not a whole number/),
        expect.stringMatching(/^CDKTF_ALARM_EMAILS: "ops" is not an email address; use e\.g\./),
        expect.stringMatching(/^CDKTF_ALARM_HTTPS_ENDPOINTS: "http:\/\/hooks\.example\.com" is not an https:\/\/ URL/),
      ]),
    );
  });

  it('refuses an error rate above 100 %', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_ALARM_ERROR_RATE_PERCENT: '150' }, ROOT))).toEqual([
      'alarms.service.errorRatePercent: 150 is not a percentage; use a number above 0, at most 100, e.g. 80',
    ]);
  });
});

describe('per service in the services file', () => {
  it("overrides the environment's thresholds for that service only", () => {
    const config = loadConfig(
      withServices([
        { ...ORDER, alarms: { p99Ms: 500 } },
        { ...ORDER, name: 'cart', external: { port: 8081 } },
      ]),
      ROOT,
    );
    const stack = new ServiceStack(Testing.app(), 'service', { config, network: FAKE_NETWORK, tables: fakeTables(), alarmTopicArn: FAKE_ALARM_TOPIC });
    const p99 = resources(parse(Testing.synth(stack)), 'aws_cloudwatch_metric_alarm').filter((a) => String(a.props.alarm_name).endsWith('-p99'));
    expect(p99.map((a) => [a.props.alarm_name, a.props.threshold]).sort()).toEqual([
      ['bookmarks-dev-cart-external-p99', config.alarms.service.p99Ms / 1000],
      ['bookmarks-dev-order-external-p99', 0.5],
    ]);
  });

  it('names a bad threshold and an unknown field by their JSON paths', () => {
    const problems = configProblems(() => loadConfig(withServices([{ ...ORDER, alarms: { errorRatePercent: 150, p95Ms: 300 } }]), ROOT));
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/services\[0\]\.alarms\.p95Ms: unknown field; use one of errorRatePercent, minRequestsPerMinute, p99Ms/)]),
    );
    const range = configProblems(() => loadConfig(withServices([{ ...ORDER, alarms: { errorRatePercent: 150 } }]), ROOT));
    expect(range).toEqual([expect.stringMatching(/services\[0\]\.alarms\.errorRatePercent: 150 is not a percentage/)]);
  });
});
