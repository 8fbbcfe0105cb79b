// Transpile-only build of the cdktf app: esbuild bundles main.ts, our TypeScript and the npm packages
// it imports (cdktf, the provider classes) into one CommonJS file, .build/main.js. One file loads
// about 60 ms faster than a few hundred separate modules. Type-checking is a separate step
// (`npm run typecheck`). The same build bundles scripts/prepare-machine.ts into
// .build/prepare-machine.js, which the app command runs after a synth so that the cdktf CLI's
// Terraform finds the machine prepared (scripts/app.mjs).
//
// The build also records the size and mtime of every input it read (.build/main.inputs.json), so
// scripts/app.mjs can tell in a few milliseconds whether the bundle is still current and rebuild only
// when a source changed. `node scripts/build-app.mjs` (`npm run build:app`) always rebuilds.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeAtomically } from './lib/write-atomically.js';

/** The project root (the folder that holds cdktf.json). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The bundle, relative to the root. */
export const APP_BUNDLE = path.join('.build', 'main.js');
/** The machine preparation (scripts/prepare-machine.ts) as plain JavaScript, relative to the root. */
export const PREPARE_BUNDLE = path.join('.build', 'prepare-machine.js');
/** The inputs the bundle was built from, with their size and mtime. */
export const APP_INPUTS = path.join('.build', 'main.inputs.json');
/**
 * Files that change the bundle without being one of its inputs. npm rewrites
 * node_modules/.package-lock.json on every install, so it stands for the package files.
 */
const BUILD_SETTINGS = ['scripts/build-app.mjs', 'tsconfig.json', 'node_modules/.package-lock.json'];
const INPUTS_VERSION = 2;

/** `[size, mtimeMs]` of `file`, or undefined when it is gone. */
function fingerprint(file) {
  try {
    const stat = fs.statSync(file);
    return [stat.size, stat.mtimeMs];
  } catch {
    return undefined;
  }
}

/**
 * The first input of the bundle under `root` that changed since it was built, `'no build'` when
 * there is no complete build, or undefined when the bundle is current.
 */
export function staleInput(root = ROOT) {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(path.join(root, APP_INPUTS), 'utf8'));
  } catch {
    return 'no build';
  }
  if (recorded.version !== INPUTS_VERSION || ![APP_BUNDLE, PREPARE_BUNDLE].every((file) => fs.existsSync(path.join(root, file)))) return 'no build';
  for (const [file, [size, mtimeMs]] of Object.entries(recorded.files)) {
    const now = fingerprint(path.join(root, file));
    if (now === undefined || now[0] !== size || now[1] !== mtimeMs) return file;
  }
  return undefined;
}

/**
 * Bundles `<root>/main.ts` into `<root>/.build/main.js` and `<root>/scripts/prepare-machine.ts` into
 * `<root>/.build/prepare-machine.js`, and records their inputs. Synchronous on
 * purpose: scripts/app.mjs then runs the app from the same stack whether it built or not, and the
 * stack traces cdktf records stay the same. esbuild is loaded only when a build is needed.
 */
export function buildApp(root = ROOT) {
  const { buildSync } = createRequire(import.meta.url)('esbuild');
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: { main: path.join(root, 'main.ts'), 'prepare-machine': path.join(root, 'scripts', 'prepare-machine.ts') },
    outdir: path.join(root, '.build'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // A separate map file: node reads it only with --enable-source-maps, and the bundle stays small.
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // Written below, each file renamed into place: a synth running at the same time reads the old
    // bundle or the new one, never half of one.
    write: false,
  });
  for (const output of result.outputFiles) writeAtomically(output.path, output.contents);
  const files = {};
  const sources = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
  for (const file of [...sources, ...BUILD_SETTINGS]) {
    const print = fingerprint(path.join(root, file));
    if (print !== undefined) files[file] = print;
  }
  writeAtomically(path.join(root, APP_INPUTS), `${JSON.stringify({ version: INPUTS_VERSION, files })}\n`);
}

/** Rebuilds the bundle when an input changed; returns what was stale, or undefined when nothing was. */
export function ensureAppBuilt(root = ROOT) {
  const stale = staleInput(root);
  if (stale !== undefined) buildApp(root);
  return stale;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildApp(ROOT);
}
