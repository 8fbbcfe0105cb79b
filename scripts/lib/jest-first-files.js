/**
 * A jest test sequencer that starts some files first. On a fresh clone jest has no record of how
 * long each file took, so it orders them by size, and a file that takes minutes could start last:
 * the run would then end long after the other workers went idle. Naming the long files puts them
 * first; jest orders the rest as it would (by recorded time when it has one, else by size).
 */
const Sequencer = require('@jest/test-sequencer').default;

/**
 * A sequencer class that starts the files named in `first` (file names without folders) in that
 * order, then every other file in jest's own order. The class carries `FIRST` and `rank`.
 */
function firstFilesSequencer(first) {
  const names = Object.freeze([...first]);

  /** Rank of a test path: its index in `names`, or `names.length` for any other file. */
  function rank(testPath) {
    const index = names.findIndex((name) => testPath.endsWith(`/${name}`));
    return index === -1 ? names.length : index;
  }

  class FirstFilesSequencer extends Sequencer {
    sort(tests) {
      const byJest = super.sort(tests);
      // Array.prototype.sort is stable, so files of one rank keep jest's order.
      return [...byJest].sort((a, b) => rank(a.path) - rank(b.path));
    }
  }
  FirstFilesSequencer.FIRST = names;
  FirstFilesSequencer.rank = rank;
  return FirstFilesSequencer;
}

module.exports = { firstFilesSequencer };
