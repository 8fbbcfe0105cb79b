/**
 * Order of the sandbox suite's files: the ones that deploy a whole app first, longest first, so
 * that a 10-minute file never starts last on a fresh clone (scripts/lib/jest-first-files.js).
 */
const { firstFilesSequencer } = require('./lib/jest-first-files.js');

// deploy follows wordpress-stack, so that it builds the service image after three-services has made
// the base and the image on the shared engine, never at the same time.
module.exports = firstFilesSequencer(['three-services.sandbox.ts', 'wordpress-stack.sandbox.ts', 'deploy.sandbox.ts']);
