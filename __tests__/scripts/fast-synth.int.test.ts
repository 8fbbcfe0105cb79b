/**
 * `npm run synth` (scripts/app.mjs --synth) against `cdktf synth`: the same files, and a bundle that
 * is rebuilt only when a source changed. Every test runs in a scratch copy of the project, so none
 * touches the worktree's .build/ or cdktf.out/.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { differingSynthFiles } from '../../bench/synth';
import { scratchProject as scratchCopy, type ScratchOptions } from '../support/scratch-project';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);
const env = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' };

/** Runs `node scripts/app.mjs --synth --output <out>` in `project`; never rejects. */
async function fastSynth(project: string, out: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const result = await run(process.execPath, ['scripts/app.mjs', '--synth', '--output', out], { cwd: project, env: { ...env, ...extraEnv } });
    return { code: 0, ...result };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * A scratch copy of the project; `service/` holds only the Dockerfile, so dev synth warns about it.
 * `withAppBuild` starts it with the worktree's current app bundle, where the build is not what a test looks at.
 */
function scratchProject(prefix: string, options: ScratchOptions = {}): string {
  return scratchCopy(prefix, ['main.ts', 'app.ts', 'cdktf.json', 'package.json', 'tsconfig.json', 'stacks', 'scripts', 'data', 'service/Dockerfile'], ['node_modules'], options);
}

describe('npm run synth and cdktf synth', () => {
  let project: string;
  let fast: { code: number; stdout: string; stderr: string };
  const fastOut = (): string => path.join(project, 'fast');

  beforeAll(async () => {
    project = scratchProject('fast-synth-', { withAppBuild: true });
    // Given the dev environment, whose service stack warns that the image build context is empty,
    // and an output folder holding a stack that main.ts does not define
    fs.mkdirSync(path.join(fastOut(), 'stacks', 'retired'), { recursive: true });
    fs.writeFileSync(path.join(fastOut(), 'stacks', 'retired', 'cdk.tf.json'), '{}');
    // When both write all stacks, npm run synth into that folder
    await run(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', 'cli'], { cwd: project, env: { ...env, CDKTF_ENV: 'dev' } });
    fast = await fastSynth(project, 'fast', { CDKTF_ENV: 'dev' });
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('write byte-identical cdk.tf.json files and manifest, warnings and their stack traces included', () => {
    // Then every synthesized file is the same, byte for byte, and the warning was printed as cdktf prints it
    expect({
      stacks: fs.readdirSync(path.join(fastOut(), 'stacks')).sort(),
      differing: differingSynthFiles(path.join(project, 'cli'), fastOut()),
      warned: /^WARN \[service\/[^\]]*image\]: ContainerImage/m.test(fast.stdout),
    }).toEqual({
      stacks: ['bootstrap', 'data', 'network', 'service'],
      differing: [],
      warned: true,
    });
  });

  test('remove the folder of a stack the app no longer has, as cdktf synth does', () => {
    // Then only the app's stacks remain
    expect({ code: fast.code, stacks: fs.readdirSync(path.join(fastOut(), 'stacks')).sort() }).toEqual({ code: 0, stacks: ['bootstrap', 'data', 'network', 'service'] });
  });
});

describe('the app bundle in a scratch copy of the project', () => {
  let project: string;
  const bundle = (): string => path.join(project, '.build', 'main.js');

  beforeAll(() => (project = scratchProject('app-build-')));
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('is built on the first synth', async () => {
    const result = await fastSynth(project, 'out-1');
    expect({ code: result.code, built: fs.existsSync(bundle()), stacks: fs.readdirSync(path.join(project, 'out-1', 'stacks')).length }).toEqual({
      code: 0,
      built: true,
      stacks: 3,
    });
  });

  test('is not rebuilt when no source changed', async () => {
    const before = fs.statSync(bundle()).mtimeMs;
    await fastSynth(project, 'out-2');
    expect(fs.statSync(bundle()).mtimeMs).toBe(before);
  });

  test('is rebuilt when a stack source changed', async () => {
    const before = fs.statSync(bundle()).mtimeMs;
    fs.appendFileSync(path.join(project, 'stacks', 'lib', 'naming.ts'), '\n// edited\n');
    await fastSynth(project, 'out-3');
    expect(fs.statSync(bundle()).mtimeMs).toBeGreaterThan(before);
  });

  test('a bad seed file fails the synth with exit code 1 and the message naming file, line and column', async () => {
    fs.writeFileSync(path.join(project, 'data', 'category.csv'), 'id,name\n');
    const result = await fastSynth(project, 'out-4');
    expect({ code: result.code, names: result.stderr.includes('data/category.csv:1: missing column "description"') }).toEqual({ code: 1, names: true });
  });
});
