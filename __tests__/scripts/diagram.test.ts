/** The `npm run diagram` command line: its options, how it reads a cdktf.out directory and when it synthesizes first. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDiagramArgs, readStacks, synthReason } from '../../scripts/diagram';

/** A cdktf.out-like directory with the given files (relative path → content). */
function outdir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const make = (files: Record<string, unknown>) => {
  const dir = outdir(files);
  dirs.push(dir);
  return dir;
};

describe('command line', () => {
  it('reads cdktf.out, synthesized when needed, and writes docs/images/architecture.svg by default', () => {
    expect(parseDiagramArgs([], '/project')).toEqual({ input: '/project/cdktf.out', output: '/project/docs/images/architecture.svg', synth: 'when-needed' });
  });

  it('resolves --input, --output and --dot against the working directory', () => {
    expect(parseDiagramArgs(['--input', 'out', '--output', 'a.svg', '--dot', 'a.dot', '--synth'], '/p')).toEqual({
      input: '/p/out',
      output: '/p/a.svg',
      dot: '/p/a.dot',
      synth: 'always',
    });
  });

  it('draws an --input given without --synth as it is', () => {
    expect(parseDiagramArgs(['--input', 'out'], '/p').synth).toBe('never');
  });

  it('refuses an unknown option with the usage', () => {
    expect(() => parseDiagramArgs(['--out', 'x.svg'], '/p')).toThrow(/Unknown option '--out'[\s\S]*usage: npm run diagram -- \[options\]/);
  });
});

describe('reading a synthesized app', () => {
  const stack = { resource: { aws_vpc: { vpc: { cidr_block: '10.0.0.0/16' } } } };

  it('reads every stacks/<id>/cdk.tf.json when there is no manifest', () => {
    expect(Object.keys(readStacks(make({ 'stacks/network/cdk.tf.json': stack, 'stacks/data/cdk.tf.json': {} })))).toEqual(['data', 'network']);
  });

  it('reads only the stacks the manifest names, so a stack left from an older synth is not drawn', () => {
    // Given a wordpress stack from an earlier synth that the current manifest no longer lists
    const dir = make({
      'manifest.json': { stacks: { network: { synthesizedStackPath: 'stacks/network/cdk.tf.json' } } },
      'stacks/network/cdk.tf.json': stack,
      'stacks/wordpress/cdk.tf.json': stack,
    });
    // Then only network is read
    expect(Object.keys(readStacks(dir))).toEqual(['network']);
  });

  it('says how to synthesize when the directory holds no stack', () => {
    const dir = make({});
    expect(() => readStacks(dir)).toThrow(`${path.join(dir, 'stacks')}: no synthesized stack (stacks/<id>/cdk.tf.json); run npx cdktf synth first, or npm run diagram -- --synth`);
  });

  it('names the file of a stack that is not valid JSON', () => {
    const dir = make({ 'stacks/network/cdk.tf.json': '{"resource": ' });
    expect(() => readStacks(dir)).toThrow(
      new RegExp(`^${path.join(dir, 'stacks/network/cdk.tf.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON \\(.*\\); re-synthesize`),
    );
  });
});

describe('when the diagram synthesizes first', () => {
  const root = '/project';
  /** One stack as the app writes it for `CDKTF_ENV=<environment>` under `root`: provider tags and region, local state. */
  const stackOf = (environment: string, region: string, tags: Record<string, string>) => ({
    provider: { aws: [{ region, ...(Object.keys(tags).length > 0 ? { default_tags: [{ tags }] } : {}) }] },
    terraform: { backend: { local: { path: path.join(root, 'state', environment, 'network.tfstate') } } },
  });
  const dev = stackOf('dev', 'eu-west-1', { Project: 'bookmarks', Environment: 'dev', ManagedBy: 'cdktf' });
  const local = stackOf('local', 'us-east-1', {});

  it('synthesizes when the default cdktf.out holds no stack', () => {
    const dir = make({});
    expect(synthReason({ input: dir, synth: 'when-needed' }, {}, root)).toBe(`${dir} holds no synthesized stack`);
  });

  it('draws the default cdktf.out as it is when it was synthesized with the current settings', () => {
    const dir = make({ 'stacks/network/cdk.tf.json': dev });
    expect(synthReason({ input: dir, synth: 'when-needed' }, { CDKTF_ENV: 'dev' }, root)).toBeUndefined();
  });

  it('synthesizes when the default cdktf.out holds another environment, naming what differs', () => {
    // Given the local environment's stacks (no tags, us-east-1) and CDKTF_ENV=dev
    const dir = make({ 'stacks/network/cdk.tf.json': local });
    // Then the reason names the stack and the first setting that differs
    expect(synthReason({ input: dir, synth: 'when-needed' }, { CDKTF_ENV: 'dev' }, root)).toBe(
      `${dir} was synthesized with other settings (stack network: region us-east-1, the settings say eu-west-1)`,
    );
  });

  it('synthesizes when a setting moved the state elsewhere', () => {
    const dir = make({ 'stacks/network/cdk.tf.json': dev });
    expect(synthReason({ input: dir, synth: 'when-needed' }, { CDKTF_ENV: 'dev', CDKTF_STATE_DIR: '/elsewhere' }, root)).toBe(
      `${dir} was synthesized with other settings (stack network: state in ${path.join(root, 'state', 'dev')}, the settings say /elsewhere)`,
    );
  });

  it('synthesizes when a stack file named by the manifest is missing', () => {
    const dir = make({ 'manifest.json': { stacks: { network: { synthesizedStackPath: 'stacks/network/cdk.tf.json' } } } });
    expect(synthReason({ input: dir, synth: 'when-needed' }, {}, root)).toMatch(
      new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be read: .*missing, although manifest\\.json names stack network`),
    );
  });

  it('never synthesizes into an --input given without --synth, and always with --synth', () => {
    const dir = make({});
    expect([synthReason({ input: dir, synth: 'never' }, {}, root), synthReason({ input: dir, synth: 'always' }, {}, root)]).toEqual([undefined, 'asked with --synth']);
  });
});
