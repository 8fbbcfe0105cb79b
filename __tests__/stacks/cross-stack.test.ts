/** The service stack reads the network and data stacks through outputs and terraform_remote_state. */
import * as path from 'node:path';
import { stateKey } from '../../stacks/base-stack';
import { TfDocument, type RemoteState } from '../../stacks/lib/tf-json';
import { type BackendSettings, buildConfig } from '../../stacks/settings/config';
import { byPath, type SynthJson, synthStacks } from '../support/synth';

const ROOT = path.resolve(__dirname, '../..');
const LOCAL_STATE: BackendSettings = { kind: 'local', directory: '/state/dev' };
const S3_STATE: BackendSettings = { kind: 's3', bucket: 'acme-tf-state', region: 'eu-central-1', keyPrefix: 'team' };

type Stacks = Record<'network' | 'data' | 'service', SynthJson>;

/** Synthesizes the whole app as main.ts composes it and returns each stack's JSON. */
function synthApp(backend: BackendSettings): Stacks {
  const config = buildConfig('dev', { backend, service: { defaultService: { image: { kind: 'registry', reference: 'public.ecr.aws/nginx/nginx:stable' } } } }, ROOT);
  return synthStacks(config);
}

const REMOTE_STATE_PREFIX = 'cross-stack-reference-input-';

/** The remote state blocks of a stack, keyed by the producer stack they read. */
function remoteStates(json: SynthJson): Record<string, RemoteState> {
  return Object.fromEntries(new TfDocument(json).remoteStates().map((state) => [state.name.replace(REMOTE_STATE_PREFIX, ''), state]));
}

/** Every `data.terraform_remote_state.<block>.outputs.<output>` that a stack reads. */
function readOutputs(json: SynthJson): { stack: string; output: string }[] {
  return new TfDocument(json).remoteReads().map(({ block, output }) => ({ stack: block.replace(REMOTE_STATE_PREFIX, ''), output }));
}

describe('remote state follows the backend', () => {
  it('local: the service reads the network and data state files of the configured directory', () => {
    expect(remoteStates(synthApp(LOCAL_STATE).service)).toEqual({
      network: expect.objectContaining({ backend: 'local', config: { path: '/state/dev/network.tfstate' } }),
      data: expect.objectContaining({ backend: 'local', config: { path: '/state/dev/data.tfstate' } }),
    });
  });

  it('S3: the service reads the network and data keys of the state bucket', () => {
    const states = remoteStates(synthApp(S3_STATE).service);
    expect([states.network, states.data]).toEqual([
      expect.objectContaining({ backend: 's3', config: expect.objectContaining({ bucket: 'acme-tf-state', region: 'eu-central-1', key: stateKey('team', 'dev', 'network') }) }),
      expect.objectContaining({ backend: 's3', config: expect.objectContaining({ bucket: 'acme-tf-state', region: 'eu-central-1', key: stateKey('team', 'dev', 'data') }) }),
    ]);
  });

  it('the producers keep their state where the service looks for it', () => {
    const stacks = synthApp(S3_STATE);
    expect([stacks.network.terraform?.backend, stacks.data.terraform?.backend]).toEqual([
      { s3: expect.objectContaining({ key: 'team/dev/network.tfstate' }) },
      { s3: expect.objectContaining({ key: 'team/dev/data.tfstate' }) },
    ]);
  });
});

describe('cross-stack outputs', () => {
  const stacks = synthApp(LOCAL_STATE);
  const reads = readOutputs(stacks.service);

  it('every output the service reads exists in its producer stack', () => {
    const missing = reads.filter(({ stack, output }) => !(output in (stacks[stack as keyof Stacks].output ?? {})));
    expect(reads.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('the service reads only the network and data stacks', () => {
    expect([...new Set(reads.map((r) => r.stack))].sort()).toEqual(['data', 'network']);
  });

  it('only simple values cross: each output is one attribute of one resource', () => {
    const crossing = reads.map(({ stack, output }) => stacks[stack as keyof Stacks].output?.[output].value);
    expect(crossing.filter((value) => typeof value !== 'string' || !/^\$\{[a-z_]+\.[A-Za-z0-9_-]+\.[a-z_]+\}$/.test(value))).toEqual([]);
  });
});

describe('cross-stack links', () => {
  const stacks = synthApp(LOCAL_STATE);
  const network = (value: unknown) => String(value).includes('terraform_remote_state.cross-stack-reference-input-network.outputs.');
  const data = (value: unknown) => String(value).includes('terraform_remote_state.cross-stack-reference-input-data.outputs.');

  it('the target group and security groups live in the network stack VPC', () => {
    const ids = [byPath(stacks.service, 'alb/service-targets'), byPath(stacks.service, 'alb/sg'), byPath(stacks.service, 'services/service/ecs/sg')].map((r) => r.props.vpc_id);
    expect(ids.every(network)).toBe(true);
  });

  it('the load balancer sits in the network stack public subnets', () => {
    const subnets = byPath(stacks.service, 'alb/load-balancer').props.subnets as string[];
    expect([subnets.length, subnets.every(network)]).toEqual([2, true]);
  });

  it('the tasks run in the network stack private subnets', () => {
    const subnets = (byPath(stacks.service, 'services/service/ecs/service').props.network_configuration as { subnets: string[] }).subnets;
    expect([subnets.length, subnets.every(network), subnets.every((s) => s.includes('private'))]).toEqual([2, true, true]);
  });

  it('the table names come from the data stack', () => {
    const env = JSON.parse(byPath(stacks.service, 'services/service/task/definition').props.container_definitions as string)[0].environment as { name: string; value: string }[];
    const tables = env.filter((v) => v.name.endsWith('_TABLE'));
    expect([tables.length, tables.every((v) => data(v.value))]).toEqual([3, true]);
  });

  it('the task role policy names the data stack table and index ARNs', () => {
    const resources = JSON.parse(byPath(stacks.service, 'services/service/task/task-policy').props.policy as string).Statement[0].Resource as string[];
    expect([resources.length, resources.every(data), resources.filter((r) => r.endsWith('/index/byCategory') || r.endsWith('/index/byResource')).length]).toEqual([5, true, 2]);
  });
});
