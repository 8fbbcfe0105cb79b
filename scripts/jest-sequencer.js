/**
 * Order of `npm test`'s files: the integration layer's longest files first, longest first, so that
 * on a fresh clone (no recorded times) the run is not bounded by a file of minutes that jest, ordering
 * by size, started late (scripts/lib/jest-first-files.js). Every other file follows in jest's order.
 */
const { firstFilesSequencer } = require('./lib/jest-first-files.js');

module.exports = firstFilesSequencer(['start-local.int.test.ts', 'batch-seeding.int.test.ts', 'bench.int.test.ts']);
