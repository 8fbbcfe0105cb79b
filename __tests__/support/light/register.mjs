// The unit layer's first setup file under jest-light-runner: test files and what they import are
// TypeScript, compiled as they load (swc, no type check: `npm run typecheck` does that), and
// imported once per worker, not once per file. Each compiled file and its source map are kept on
// disk by the hash of the source, so a file that did not change is read back instead of compiled
// again by each worker of each run; swc itself loads only when a file has to be compiled.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire, register } from 'node:module';
import * as path from 'node:path';
import { writeAtomically } from '../../../scripts/build-app.mjs';

const require = createRequire(import.meta.url);
const { addHook } = require('pirates');
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'unit-layer-ts');
// What the integration layer's @swc/jest is given (jest.config.js), with the module system tsconfig.json names.
const OPTIONS = { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' }, sourceMaps: true };
const OPTIONS_KEY = JSON.stringify([require('@swc/core/package.json').version, OPTIONS]);
/** The cached source map of each compiled file, by file name. */
const maps = new Map();

function compile(code, filename) {
  const base = path.join(CACHE, createHash('sha1').update(OPTIONS_KEY).update(filename).update('\0').update(code).digest('hex'));
  maps.set(filename, `${base}.map`);
  try {
    return fs.readFileSync(`${base}.js`, 'utf8');
  } catch {
    const output = require('@swc/core').transformSync(code, { ...OPTIONS, filename });
    // Both workers may compile the same file at once: each writes a temporary file of its own.
    writeAtomically(`${base}.map`, output.map);
    writeAtomically(`${base}.js`, output.code);
    return output.code;
  }
}

addHook(compile, { exts: ['.ts'], ignoreNodeModules: true });
// A stack trace (of a failing test) points at the TypeScript lines: the map is read when one is made.
require('@cspotcode/source-map-support').install({
  environment: 'node',
  hookRequire: false,
  retrieveSourceMap(source) {
    const file = maps.get(source.startsWith('file://') ? new URL(source).pathname : source);
    return file === undefined ? null : { url: source, map: fs.readFileSync(file, 'utf8') };
  },
});
register('./ts-hook.mjs', import.meta.url);

// Temporary files of the unit layer go in the run's fixture directory, which the global teardown
// removes: cdktf's Testing.app() makes a directory in the temporary directory for every app and
// never removes it (about 380 per run). Set per worker thread, whose environment is its own.
if (process.env.UNIT_FIXTURE_ROOT) process.env.TMPDIR = process.env.UNIT_FIXTURE_ROOT;
