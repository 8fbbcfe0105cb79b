/**
 * Order of the sandbox suite's files: the ones that deploy a whole app first, longest first, so
 * that a 10-minute file never starts last on a fresh clone (scripts/lib/jest-first-files.js).
 */
const { firstFilesSequencer } = require('./lib/jest-first-files.js');

// Three workers: three-services, wordpress-stack and untracked-items start at once; deploy takes the
// first worker they free (untracked-items', after about two minutes), the other small files the
// next ones. So deploy builds the service image after three-services has made the base and the
// image on the shared engine, in its first half minute, never at the same time.
module.exports = firstFilesSequencer(['three-services.sandbox.ts', 'wordpress-stack.sandbox.ts', 'untracked-items.sandbox.ts', 'deploy.sandbox.ts']);
