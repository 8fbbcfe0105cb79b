/**
 * Whether a build is current, from size-and-mtime prints of its inputs and outputs (as build-app.mjs
 * does for the app bundle): enough to tell in a few milliseconds that no file was edited, added or
 * removed since the build, and that nobody rebuilt its outputs from other inputs. Pure.
 */

/** File (relative path) → `[size, mtimeMs]`. */
export type FilePrints = Readonly<Record<string, readonly [number, number]>>;

/** The prints of a build: its inputs as read before it ran, and the outputs it left. */
export interface BuildPrints {
  readonly inputs: FilePrints;
  readonly outputs: FilePrints;
}

/** The first file (in sorted order) added, removed or changed between two sets of prints, or undefined when none. */
export function changedFile(before: FilePrints, after: FilePrints): string | undefined {
  const files = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return files.find((file) => {
    const [a, b] = [before[file], after[file]];
    return a === undefined || b === undefined || a[0] !== b[0] || a[1] !== b[1];
  });
}

/** Why the build must run (no record, no outputs, or the first file that changed), or undefined when it is current. */
export function buildChange(recorded: BuildPrints | undefined, current: BuildPrints): string | undefined {
  if (recorded === undefined) return 'no build recorded';
  if (Object.keys(current.outputs).length === 0) return 'no output';
  return changedFile(recorded.inputs, current.inputs) ?? changedFile(recorded.outputs, current.outputs);
}
