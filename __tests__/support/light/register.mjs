// The unit layer's first setup file under jest-light-runner: test files and what they import are
// TypeScript, compiled as they load (swc, no type check: `npm run typecheck` does that), and
// imported once per worker, not once per file.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
require('ts-node').register({ transpileOnly: true, swc: true });
register('./ts-hook.mjs', import.meta.url);
