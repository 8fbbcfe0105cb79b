/**
 * Order of the sandbox suite's files: the ones that deploy a whole app first, longest first. jest
 * otherwise orders a fresh clone's files by size, so a 10-minute file could start last and the
 * suite would end long after the other workers went idle.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** File names (without folders) in the order they should start; others follow, as jest orders them. */
// deploy follows wordpress-stack, so that it builds the service image after three-services has made
// the base and the image on the shared engine, never at the same time.
const FIRST = ['three-services.sandbox.ts', 'wordpress-stack.sandbox.ts', 'deploy.sandbox.ts'];

/** Rank of a test path: its index in FIRST, or FIRST.length for any other file. */
function rank(testPath) {
  const index = FIRST.findIndex((name) => testPath.endsWith(`/${name}`));
  return index === -1 ? FIRST.length : index;
}

class SandboxSequencer extends Sequencer {
  sort(tests) {
    const byJest = super.sort(tests);
    return [...byJest].sort((a, b) => rank(a.path) - rank(b.path));
  }
}

module.exports = SandboxSequencer;
module.exports.rank = rank;
module.exports.FIRST = FIRST;
