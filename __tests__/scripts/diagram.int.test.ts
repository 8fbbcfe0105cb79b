/**
 * The diagram of the really synthesized app: the app command of cdktf.json runs into a temporary
 * CDKTF_OUTDIR, and every stack and every cross-stack reference found in its files must be in the DOT.
 * A synth of the whole app takes seconds, so each environment is synthesized once, by the commands
 * under test (`npm run diagram --synth` for the default one, the fresh clone's runs for dev), and
 * the drawing of each is checked on those files.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readStacks } from '../../scripts/diagram';
import { quote, stackCluster, toDot } from '../../scripts/lib/diagram-dot';
import { buildModel } from '../../scripts/lib/diagram-model';
import { scratchProject } from '../support/scratch-project';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const REMOTE_STATE_PREFIX = 'cross-stack-reference-input-';

/** The environment without our settings, plus the given ones. */
function environment(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CDKTF_') && !name.startsWith('BASIC_AUTH_')));
  return { ...env, ...settings };
}

/** Every `data.terraform_remote_state.<block>.outputs.<output>` in a stack's file, read as plain text. */
function readsOf(file: string): { producer: string; output: string }[] {
  const text = fs.readFileSync(file, 'utf8');
  const reads = [...text.matchAll(/data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)].map(
    (m) => `${m[1].replace(REMOTE_STATE_PREFIX, '')}\u0000${m[2]}`,
  );
  return [...new Set(reads)].map((key) => {
    const [producer, output] = key.split('\u0000');
    return { producer, output };
  });
}

/** The DOT edge statements into a consumer's anchor whose tail lies in the producer's stack. */
function crossStackEdges(dot: string, producer: string, consumer: string): string[] {
  return dot.split('\n').filter((line) => {
    const m = line.match(/^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[/);
    return m !== null && (m[1] === producer || m[1].startsWith(`${producer}/`)) && m[2] === consumer;
  });
}

// Copied into the fresh clone: what the diagram and the app command resolve their root from or write into; the rest is linked.
const COPIED = ['package.json', 'scripts', 'main.ts', 'app.ts', 'cdktf.json', 'tsconfig.json'];
const LINKED = ['node_modules', 'stacks', 'data', 'service'];

/** `npm run diagram --synth` of the worktree into a temporary directory: the app in the default environment. */
const cliOut = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-cli-'));
/** A clone where nothing was synthesized, then the diagram drawn with the default settings, then twice with CDKTF_ENV=dev. */
let clone: string;
const cloneManifest = () => path.join(clone, 'cdktf.out', 'manifest.json');
const cloneRuns: { stdout: string; svg: string; manifestMs: number }[] = [];

/** `npm run diagram` in the clone with the given settings; the SVG goes to a file of its own. */
const diagramInClone = (settings: Record<string, string>) => {
  const output = path.join(clone, `picture-${cloneRuns.length}.svg`);
  const stdout = execFileSync('npm', ['run', '--silent', 'diagram', '--', '--output', output], { cwd: clone, env: environment(settings), encoding: 'utf8' });
  cloneRuns.push({ stdout, svg: fs.readFileSync(output, 'utf8'), manifestMs: fs.statSync(cloneManifest()).mtimeMs });
};

beforeAll(() => {
  // When the script runs as npm would run it, with --synth into a temporary directory
  execFileSync(
    process.execPath,
    ['-r', './scripts/register-ts.js', 'scripts/diagram.ts', '--synth', '--input', path.join(cliOut, 'app'), '--output', path.join(cliOut, 'architecture.svg')],
    {
      cwd: ROOT,
      env: environment({}),
      encoding: 'utf8',
    },
  );
  // Given a clone where nothing was synthesized (its app bundle built, as a first synth leaves it)
  clone = scratchProject('diagram-clone-', COPIED, LINKED, { withAppBuild: true });
  // When the diagram is drawn with the default settings, then twice with CDKTF_ENV=dev
  diagramInClone({});
  diagramInClone({ CDKTF_ENV: 'dev' });
  diagramInClone({ CDKTF_ENV: 'dev' });
});
afterAll(() => {
  for (const dir of [cliOut, clone]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.each([
  // Written by npm run diagram --synth, which runs the app command of cdktf.json into it as CDKTF_OUTDIR
  ['the default environment', () => path.join(cliOut, 'app')],
  // Written by the fresh clone's second run, the app command of the clone's cdktf.json
  ['CDKTF_ENV=dev', () => path.join(clone, 'cdktf.out')],
])('diagram of the synthesized app in %s', (_name, synthesized: () => string) => {
  let outdir = '';
  let dot = '';
  let stackIds: string[] = [];

  beforeAll(() => {
    outdir = synthesized();
    stackIds = Object.keys((JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> }).stacks).sort();
    dot = toDot(buildModel(readStacks(outdir)));
  });

  it('draws every stack of the manifest as a cluster', () => {
    expect(stackIds.filter((id) => !dot.includes(`subgraph ${quote(stackCluster(id))} {`))).toEqual([]);
    expect(stackIds.length).toBeGreaterThanOrEqual(3);
  });

  it('draws every cross-stack reference as an edge from its producer to its consumer that names the output', () => {
    // Given every output each stack reads from another, found in the files independently of the model
    const references = stackIds.flatMap((consumer) => readsOf(path.join(outdir, 'stacks', consumer, 'cdk.tf.json')).map((read) => ({ consumer, ...read })));
    // Then each one has an edge from the producer's stack into the consumer's whose tooltip names it
    const missing = references.filter(({ consumer, producer, output }) => !crossStackEdges(dot, producer, consumer).some((edge) => edge.includes(output)));
    expect(missing).toEqual([]);
    expect(references.length).toBeGreaterThan(0);
  });

  it('labels each ECS service’s incoming load-balancer edge with its container port', () => {
    // Given the container port of every load_balancer block in the synthesized JSON
    const stacks = readStacks(outdir);
    const attachments = Object.entries(stacks).flatMap(([stack, json]) =>
      Object.entries(json.resource?.aws_ecs_service ?? {}).flatMap(([id, props]) =>
        (Array.isArray(props.load_balancer) ? props.load_balancer : [props.load_balancer]).map((lb: { container_port?: number }) => ({
          node: `${stack}/aws_ecs_service.${id}`,
          port: lb?.container_port,
        })),
      ),
    );
    // Then an edge into that service shows the port
    const unlabelled = attachments.filter(({ node, port }) => !dot.split('\n').some((line) => line.includes(`-> ${quote(node)} [`) && line.includes(`:${port}`)));
    expect([attachments.length > 0, unlabelled]).toEqual([true, []]);
  });
});

describe('npm run diagram', () => {
  it('synthesizes the app and writes an SVG that shows every stack', () => {
    // Then the SVG names each stack of the manifest
    const svg = fs.readFileSync(path.join(cliOut, 'architecture.svg'), 'utf8');
    const stacks = Object.keys((JSON.parse(fs.readFileSync(path.join(cliOut, 'app', 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> }).stacks);
    expect([svg.includes('</svg>'), stacks.filter((id) => !svg.includes(`${id} stack`))]).toEqual([true, []]);
  });
});

describe('npm run diagram in a fresh clone', () => {
  it('synthesizes cdktf.out first when there is none, and draws it', () => {
    expect({
      said: /^diagram: synthesized the app into cdktf\.out in [\d.]+ s: cdktf\.out holds no synthesized stack$/m.test(cloneRuns[0].stdout),
      drawn: cloneRuns[0].svg.includes('network stack'),
    }).toEqual({ said: true, drawn: true });
  });

  it('synthesizes again when cdktf.out holds another environment, naming what differs, and draws the current one', () => {
    expect({
      said: /^diagram: synthesized .*: cdktf\.out was synthesized with other settings \(stack data: region us-east-1, the settings say eu-west-1\)$/m.test(cloneRuns[1].stdout),
      dev: /bookmarks (·|&#183;|&middot;) dev/.test(cloneRuns[1].svg),
    }).toEqual({ said: true, dev: true });
  });

  it('draws a cdktf.out made with the current settings as it is', () => {
    expect({ synthesized: cloneRuns[2].stdout.includes('synthesized'), manifestUnchanged: cloneRuns[2].manifestMs === cloneRuns[1].manifestMs }).toEqual({
      synthesized: false,
      manifestUnchanged: true,
    });
  });
});
