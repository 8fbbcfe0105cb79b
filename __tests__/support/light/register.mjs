// The unit layer's first setup file under jest-light-runner: test files and what they import are
// TypeScript, compiled as they load (swc, no type check: `npm run typecheck` does that), and
// imported once per worker, not once per file.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
require('ts-node').register({ transpileOnly: true, swc: true });
register('./ts-hook.mjs', import.meta.url);

// Temporary files of the unit layer go in the run's fixture directory, which the global teardown
// removes: cdktf's Testing.app() makes a directory in the temporary directory for every app and
// never removes it (about 380 per run). Set per worker thread, whose environment is its own.
if (process.env.UNIT_FIXTURE_ROOT) process.env.TMPDIR = process.env.UNIT_FIXTURE_ROOT;
