/** Every problem found in the seed data of one run, each as `file:line: message`. */
export class SeedDataError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Seed data has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was synthesized:\n` + problems.map((p) => `  ${p}`).join('\n'));
    this.name = 'SeedDataError';
  }
}
