/** The version of the Terraform binary: `npm start` checks it, and a local deploy records it. */
import { execFile } from 'node:child_process';

/** The version in the output of `terraform version -json` (or the plain text of old binaries), e.g. `1.11.4`. */
export function parseTerraformVersion(stdout: string): string | undefined {
  try {
    const version = (JSON.parse(stdout) as { terraform_version?: unknown }).terraform_version;
    if (typeof version === 'string') return version;
  } catch {
    // Terraform before 0.13 prints only text.
  }
  return /Terraform v(\d+\.\d+\.\d+\S*)/.exec(stdout)?.[1];
}

/** The Terraform binary as cdktf chooses it: TERRAFORM_BINARY_NAME, else `terraform` on PATH. */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERRAFORM_BINARY_NAME ?? 'terraform';
}

/** The version of `binary` (TERRAFORM_BINARY_NAME, as cdktf runs it), or undefined when it does not run. */
export async function terraformVersion(binary = terraformBinary()): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(binary, ['version', '-json'], { timeout: 10_000, env: { ...process.env, CHECKPOINT_DISABLE: '1' } }, (error, stdout) => {
      resolve(error ? undefined : parseTerraformVersion(stdout));
    });
  });
}
