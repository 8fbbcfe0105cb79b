/**
 * The service bundle for `npm start`: service/build.mjs runs only when a source, the page, the build
 * script or the installed packages changed since the last build, or service/dist changed since
 * (`npm run build:service` from other sources). A warm start thus spends no CPU on esbuild.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildChange, type BuildPrints, type FilePrints } from './lib/build-prints';
import { quietRunOrThrow } from './lib/quiet-run';

/** Where the prints of the last build are kept, relative to the project root. */
export const SERVICE_BUILD_RECORD = path.join('.local', 'service-build.json');
/** Folders whose every file goes into the bundle, relative to the root. */
const INPUT_DIRS = ['service/src', 'service/public'];
/** Single files that change the bundle; npm rewrites node_modules/.package-lock.json on every install. */
const INPUT_FILES = ['service/build.mjs', 'tsconfig.json', 'node_modules/.package-lock.json'];
const OUTPUT_DIR = 'service/dist';

/** Options of {@link ensureServiceBuilt}. */
export interface ServiceBuildOptions {
  /** Project root. */
  readonly root: string;
  /** Where the build's output goes. */
  readonly logFile: string;
  /** Aborting stops the build. */
  readonly signal?: AbortSignal;
}

/** Builds service/dist unless it is current; resolves with what changed (undefined when the build was skipped). */
export async function ensureServiceBuilt(options: ServiceBuildOptions): Promise<string | undefined> {
  const record = path.join(options.root, SERVICE_BUILD_RECORD);
  const inputs = inputPrints(options.root);
  const changed = buildChange(readRecord(record), { inputs, outputs: prints(options.root, [OUTPUT_DIR]) });
  if (changed === undefined) return undefined;
  fs.rmSync(record, { force: true });
  await quietRunOrThrow(process.execPath, [path.join(options.root, 'service', 'build.mjs')], {
    cwd: options.root,
    logFile: options.logFile,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // The inputs as read before the build: an edit during the build makes the next start build again.
  fs.mkdirSync(path.dirname(record), { recursive: true });
  fs.writeFileSync(record, `${JSON.stringify({ inputs, outputs: prints(options.root, [OUTPUT_DIR]) })}\n`);
  return changed;
}

function inputPrints(root: string): FilePrints {
  return { ...prints(root, INPUT_DIRS), ...Object.fromEntries(INPUT_FILES.flatMap((file) => print(root, file))) };
}

/** The prints of every file under `dirs`. */
function prints(root: string, dirs: readonly string[]): FilePrints {
  const entries = dirs.flatMap((dir) => {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' });
    } catch {
      return [];
    }
    return names.flatMap((name) => print(root, path.join(dir, name)));
  });
  return Object.fromEntries(entries);
}

/** `[[file, [size, mtimeMs]]]` for a regular file, `[]` otherwise. */
function print(root: string, file: string): [string, [number, number]][] {
  try {
    const stat = fs.statSync(path.join(root, file));
    return stat.isFile() ? [[file, [stat.size, stat.mtimeMs]]] : [];
  } catch {
    return [];
  }
}

function readRecord(file: string): BuildPrints | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BuildPrints>;
    return value.inputs !== undefined && value.outputs !== undefined ? { inputs: value.inputs, outputs: value.outputs } : undefined;
  } catch {
    return undefined;
  }
}
