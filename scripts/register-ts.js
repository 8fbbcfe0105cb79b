// How node runs this project's TypeScript outside the app bundle: `node -r ./scripts/register-ts.js
// scripts/<name>.ts` (every TypeScript command of package.json), and the unit layer's workers
// (__tests__/support/light/register.mjs). Each `.ts` file outside node_modules is compiled as it
// is required (swc, no type check: `npm run typecheck` does that) into CommonJS, the module system
// tsconfig.json names. The compiled file and its source map are kept in node_modules/.cache/ts/,
// named by a hash of the compiler's version and options, the file name and the source, so a file
// that did not change is read back instead of compiled again, and swc itself loads only when a file
// has to be compiled. A command starts in about half the CPU a general-purpose loader takes (it
// needs no loader thread and no compiler service); a stack trace still points at the TypeScript
// lines, through the map, read only when a trace is made.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { addHook } = require('pirates');
const { writeAtomically } = require('./lib/write-atomically.js');

/** Where compiled files are kept. */
const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'ts');
// What the integration layer's @swc/jest is given (jest.config.js), with the module system tsconfig.json names.
const OPTIONS = { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' }, sourceMaps: true };
const OPTIONS_KEY = JSON.stringify([require('@swc/core/package.json').version, OPTIONS]);
/** The cached source map of each compiled file, by file name. */
const maps = new Map();

/** The CommonJS text of the TypeScript `code` of `filename`, from the cache or compiled now. */
function compile(code, filename) {
  const base = path.join(CACHE, createHash('sha1').update(OPTIONS_KEY).update(filename).update('\0').update(code).digest('hex'));
  maps.set(filename, `${base}.map`);
  try {
    return fs.readFileSync(`${base}.js`, 'utf8');
  } catch {
    const output = require('@swc/core').transformSync(code, { ...OPTIONS, filename });
    // Two processes (or the unit layer's two worker threads) may compile the same file at once.
    writeAtomically(`${base}.map`, output.map);
    writeAtomically(`${base}.js`, output.code);
    return output.code;
  }
}

addHook(compile, { exts: ['.ts'], ignoreNodeModules: true });
require('@cspotcode/source-map-support').install({
  environment: 'node',
  hookRequire: false,
  retrieveSourceMap(source) {
    const file = maps.get(source.startsWith('file://') ? new URL(source).pathname : source);
    return file === undefined ? null : { url: source, map: fs.readFileSync(file, 'utf8') };
  },
});
