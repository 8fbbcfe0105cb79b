/** The entry-point boilerplate of the local tooling scripts. */

/**
 * Runs `main` when `entry` is the module node was started with (not when it is imported); a failure
 * prints its message, without a stack, and exits with code 1.
 */
export function runAsScript(entry: NodeModule, main: () => Promise<void>): void {
  if (require.main !== entry) return;
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
