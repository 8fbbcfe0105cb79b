/**
 * Upgrade in place from the one-service layout (3967a9f): every address it deployed stays, or is
 * moved to its new construct, and keeps its physical name, so a plan after the upgrade destroys
 * and replaces none of them. The target group and security groups keep their fixed names instead
 * of the prefixes new services get: replacing them would cut traffic for about a minute.
 */
import { Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConfig } from '../../stacks/settings/config';
import { ONE_SERVICE_LAYOUT } from '../../stacks/lib/service-moves';
import { TfDocument, type TfJson } from '../../stacks/lib/tf-json';
import { ServiceStack } from '../../stacks/service-stack';
import { FAKE_ALARM_TOPIC, FAKE_NETWORK, fakeTables } from '../support/service-fixtures';
import { forEnvironment } from '../support/certificates';

const FIXTURES = path.join(__dirname, 'fixtures', 'one-service-layout');
const ROOT = path.resolve(__dirname, '../..');

function synthDefault(env: string): TfJson {
  const config = buildConfig(env, forEnvironment(env), ROOT);
  return JSON.parse(Testing.synth(new ServiceStack(Testing.app(), 'service', { config, network: FAKE_NETWORK, tables: fakeTables(), alarmTopicArn: FAKE_ALARM_TOPIC }))) as TfJson;
}
const deployed = (env: string) =>
  fs
    .readFileSync(path.join(FIXTURES, `${env}.addresses`), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('data.'));
const addresses = (json: TfJson) => new TfDocument(json).resources().map((r) => r.address);
function attributes(json: TfJson, address: string): Record<string, unknown> {
  return new TfDocument(json).element(address)?.props ?? {};
}
/** Where an old address lives now: itself, or the target of its moved block. */
function now(json: TfJson, old: string): string | undefined {
  const target = json.moved?.find((m) => m.from === old)?.to ?? old;
  return addresses(json).includes(target) ? target : undefined;
}

/** Resource types whose replacement would lose state or availability; none may be replaced. */
const STATEFUL: Record<string, string> = {
  aws_ecr_repository: 'name',
  aws_ecs_cluster: 'name',
  aws_ecs_service: 'name',
  aws_iam_role: 'name',
  aws_cloudwatch_log_group: 'name',
  aws_lb: 'name',
};

describe.each(['local', 'dev', 'prod'])('upgrading the default %s service stack from the one-service layout', (env) => {
  const json = synthDefault(env);
  const old = deployed(env);

  it('keeps or moves every resource it deployed', () => {
    expect(old.filter((address) => now(json, address) === undefined)).toEqual([]);
  });

  it('moves only from addresses it deployed, to resources that exist', () => {
    const moves = json.moved ?? [];
    expect([moves.filter((m) => !old.includes(m.from)), moves.filter((m) => !addresses(json).includes(m.to))]).toEqual([[], []]);
  });

  it('keeps the load balancer, its security group, listener and client rule at their addresses', () => {
    expect(
      old
        .filter(
          (a) => a.startsWith('aws_lb.') || a.startsWith('aws_lb_listener.') || a.startsWith('aws_security_group.alb_') || a.startsWith('aws_vpc_security_group_ingress_rule.alb_'),
        )
        .map((a) => now(json, a)),
    ).toEqual(
      old.filter(
        (a) => a.startsWith('aws_lb.') || a.startsWith('aws_lb_listener.') || a.startsWith('aws_security_group.alb_') || a.startsWith('aws_vpc_security_group_ingress_rule.alb_'),
      ),
    );
  });

  it('keeps the physical name of every stateful resource, so no move replaces one', () => {
    const names = old.filter((a) => a.split('.')[0] in STATEFUL).map((a) => [a.split('.')[0], attributes(json, now(json, a) as string)[STATEFUL[a.split('.')[0]]]]);
    expect(names.sort()).toEqual(
      [
        ['aws_cloudwatch_log_group', `/ecs/bookmarks-${env}-service`],
        ['aws_ecr_repository', `bookmarks-${env}-service`],
        ['aws_ecs_cluster', `bookmarks-${env}-service`],
        ['aws_ecs_service', `bookmarks-${env}-service`],
        ['aws_iam_role', `bookmarks-${env}-service-execution`],
        ['aws_iam_role', `bookmarks-${env}-service-task`],
        ['aws_lb', `bookmarks-${env}`],
      ].sort(),
    );
  });

  it('keeps the fixed names of the target group, the security groups and the request policy, so none is replaced', () => {
    const named = (type: string) =>
      old
        .filter((a) => a.startsWith(`${type}.`))
        .map((a) => attributes(json, now(json, a) as string))
        .map((r) => [r.name, r.name_prefix, r.lifecycle]);
    expect([
      named('aws_lb_target_group'),
      named('aws_security_group').sort(),
      named('aws_appautoscaling_policy')
        .map(([name]) => name)
        .sort(),
    ]).toEqual([
      [[`bookmarks-${env}`, undefined, undefined]],
      [
        [`bookmarks-${env}-alb`, undefined, undefined],
        [`bookmarks-${env}-service-tasks`, undefined, undefined],
      ],
      ['cpu-target-tracking', 'memory-target-tracking', 'requests-target-tracking'],
    ]);
  });

  it('keeps the descriptions of the security groups, which cannot change in place', () => {
    const descriptions = old.filter((a) => a.startsWith('aws_security_group.')).map((a) => attributes(json, now(json, a) as string).description);
    expect(descriptions.sort()).toEqual(
      [
        `Load balancer bookmarks-${env}: listener ports from clients, the target port to tasks`,
        `Tasks of bookmarks-${env}-service: the container port from the load balancer only`,
      ].sort(),
    );
  });
});

describe('the table of moves', () => {
  it('names every resource of the one-service dev layout', () => {
    expect(deployed('dev').filter((a) => !(a in ONE_SERVICE_LAYOUT) && now(synthDefault('dev'), a) !== a)).toEqual([]);
  });
});
