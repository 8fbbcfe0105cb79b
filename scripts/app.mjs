// The cdktf app, two ways:
//
//   node scripts/app.mjs                  the `app` command of cdktf.json: what `cdktf synth`, `diff` and
//                                         `deploy` run. Rebuilds .build/main.js only when a source changed.
//                                         After the synth it prepares the machine for the Terraform the
//                                         CLI runs next (scripts/prepare-machine.ts), so a bare
//                                         `npx cdktf deploy` works on a fresh machine as `npm start` does.
//   node scripts/app.mjs --synth [-o DIR] `npm run synth`: what `cdktf synth` does, without the CLI. Sets
//                                         the environment the CLI gives the app (output folder, context
//                                         from cdktf.json), runs it in this process, then prints the
//                                         annotations, fails on an error annotation, removes the folders
//                                         of stacks that no longer exist and names the stacks, as the CLI does.
//
// Both modes load the bundle from the same line below, so the stack traces cdktf records in
// manifest.json are the same either way, and the two write byte-identical cdktf.out folders.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { APP_BUNDLE, ensureAppBuilt, PREPARE_BUNDLE, ROOT } from './build-app.mjs';

const USAGE = 'usage: node scripts/app.mjs [--synth [--output DIR]]   (npm run synth [-- --output DIR])';

/** The options of the command line; throws with the usage on anything else. */
function parseArgs(argv) {
  const options = { synth: false, output: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--synth') options.synth = true;
    else if ((arg === '--output' || arg === '-o') && argv[i + 1] !== undefined) options.output = argv[++i];
    else if (arg.startsWith('--output=')) options.output = arg.slice('--output='.length);
    else throw new Error(`scripts/app.mjs: unknown argument "${arg}"\n${USAGE}`);
  }
  if (options.output !== undefined && !options.synth) throw new Error(`scripts/app.mjs: --output needs --synth (cdktf passes the folder itself)\n${USAGE}`);
  return options;
}

/** The environment `cdktf synth` gives the app command (cli-core SynthStack.synth and readConfigSync). */
function cliEnvironment(cdktfJson, outdir) {
  for (const key of Object.keys(process.env)) if (key.startsWith('TF_VAR_')) delete process.env[key];
  const context = cdktfJson.context ? cdktfJson.context : JSON.parse(process.env.CDKTF_CONTEXT_JSON ?? '{}');
  const relativeModules = (cdktfJson.terraformModules ?? []).filter((mod) => {
    const source = typeof mod === 'string' ? mod : mod.source;
    return source.startsWith('./') || source.startsWith('../');
  });
  process.env.CDKTF_OUTDIR = outdir;
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = 'true';
  process.env.CDKTF_CONTEXT_JSON = JSON.stringify({ ...context, cdktfRelativeModules: relativeModules });
  process.env.SYNTH_HCL_OUTPUT = 'false';
}

/** After the app: what the CLI does with the manifest. Returns the exit code. */
function afterSynth(outdir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const names = Object.keys(manifest.stacks);
  let errors = 0;
  for (const name of names) {
    for (const annotation of manifest.stacks[name].annotations ?? []) {
      const level = { '@cdktf/info': 'INFO', '@cdktf/warn': 'WARN', '@cdktf/error': 'ERROR' }[annotation.level] ?? annotation.level;
      if (level === 'ERROR') errors++;
      process.stdout.write(`${level} [${annotation.constructPath}]: ${annotation.message}\n`);
    }
  }
  const stacksDir = path.join(outdir, 'stacks');
  for (const entry of fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir, { withFileTypes: true }) : []) {
    if (entry.isDirectory() && !names.includes(entry.name)) fs.rmSync(path.join(stacksDir, entry.name), { recursive: true });
  }
  if (errors > 0) {
    process.stderr.write(`synth: ${errors} error annotation(s), see above; cdktf.out was written but is not valid\n`);
    return 1;
  }
  if (names.length === 0) process.stderr.write('ERROR: No Terraform code synthesized.\n');
  else process.stdout.write(`Generated Terraform code for the stacks: ${names.join(', ')}\n`);
  return 0;
}

/**
 * Runs the CommonJS bundle `file` like `require` would, with a V8 code cache next to it: the cache
 * spares the compile of the 3 MB bundle (about 40 ms of the 250 ms a synth takes). V8 rejects a
 * cache made from other source or other flags (the CLI sets --max-old-space-size), so each flag
 * set gets its own file, and a rejected or missing one is written anew after the run.
 */
function runBundle(file) {
  const flags = `${process.execArgv.join(' ')}|${process.env.NODE_OPTIONS ?? ''}`;
  const cacheFile = `${file}.${createHash('sha1').update(flags).digest('hex').slice(0, 8)}.cache`;
  const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const bundle = new Module(file);
  bundle.filename = file;
  bundle.paths = Module._nodeModulePaths(path.dirname(file));
  const require = (id) => bundle.require(id);
  script.runInThisContext().call(bundle.exports, bundle.exports, require, bundle, file, path.dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    const temporary = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(temporary, script.createCachedData());
    fs.renameSync(temporary, cacheFile);
  }
}

/**
 * Prepares the machine for Terraform, which the cdktf CLI runs once this command has exited. The CLI
 * shows the app's output only when it fails, so a preparation that cannot be done fails the command
 * with its reason and fix (Terraform would fail anyway, with a less helpful message).
 */
async function prepareForTerraform() {
  const { prepareMachineLine } = Module.createRequire(import.meta.url)(path.join(ROOT, PREPARE_BUNDLE));
  try {
    const prepared = await prepareMachineLine({ root: ROOT });
    if (prepared !== undefined) process.stderr.write(`${prepared}\n`);
  } catch (error) {
    process.stderr.write(`cannot prepare the machine for terraform: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
let outdir;
if (options.synth) {
  process.chdir(ROOT);
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  outdir = options.output ?? cdktfJson.output ?? 'cdktf.out';
  cliEnvironment(cdktfJson, outdir);
}
ensureAppBuilt(ROOT);
const run = () => runBundle(path.join(ROOT, APP_BUNDLE));
try {
  run();
} catch (error) {
  if (!options.synth) throw error;
  process.stderr.write(`synth failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
if (options.synth) process.exitCode = afterSynth(outdir);
// After the synth, not before: the stack traces cdktf records must not depend on the mode.
else await prepareForTerraform();
