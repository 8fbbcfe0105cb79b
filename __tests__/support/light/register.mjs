// The unit layer's first setup file under jest-light-runner: test files and what they import are
// TypeScript, compiled as they load by the project's own hook (scripts/register-ts.js, which keeps
// each compiled file on disk), and imported once per worker, not once per file.
import { createRequire, register } from 'node:module';

createRequire(import.meta.url)('../../../scripts/register-ts.js');
register('./ts-hook.mjs', import.meta.url);

// Temporary files of the unit layer go in the run's fixture directory, which the global teardown
// removes: cdktf's Testing.app() makes a directory in the temporary directory for every app and
// never removes it (about 380 per run). Set per worker thread, whose environment is its own.
if (process.env.UNIT_FIXTURE_ROOT) process.env.TMPDIR = process.env.UNIT_FIXTURE_ROOT;
