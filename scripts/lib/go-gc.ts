/**
 * Terraform and its AWS provider are Go programs, and this project's Terraform commands are
 * short-lived: each starts the provider three or four times, and every start builds the provider's
 * whole schema. How often Go collects decides much of their CPU, in two ways that pull apart: each
 * collection costs CPU, and each page a bigger heap touches for the first time costs the kernel a
 * fault. Collecting when the heap has grown to five times what survived the last collection
 * (`GOGC=400`) took the least CPU of the settings measured; docs/local.md has the figures.
 */

/** Go's settings for Terraform and its providers: collect when the heap is five times what the last collection kept. */
export const TERRAFORM_GO_GC: Readonly<Record<'GOGC', string>> = { GOGC: '400' };

/** `env` with {@link TERRAFORM_GO_GC} added; a `GOGC` the user set wins, and so does a `GOMEMLIMIT` (Go's own default is none). */
export function withTerraformGoGc(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...TERRAFORM_GO_GC, ...env };
}
