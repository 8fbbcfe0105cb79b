// cdktf checks the Terraform version at every synthesis with validations on, once for each
// terraform_data resource (the batch-seeded tables) and once for each stack with moved resources:
// each check starts `terraform version` through a shell, 0.2 s here, and the unit layer made twelve
// of them, a tenth of its CPU. In tests the first check of a worker (or of a file, under jest's own
// runner) runs the real command and its answer stands for the rest: the binary does not change
// during a run. A check that fails still fails its synthesis with cdktf's message.
//
// Replaced on the class's prototype, which cdktf's validations inherit, as token-traces.ts does.
import { ValidateBinaryVersion } from 'cdktf/lib/validations/validate-binary-version';

type Check = { versionConstraint: string; versionCommand: string; hint?: string; validate(): string[] };
const answers = new Map<string, string[]>();
const prototype = ValidateBinaryVersion.prototype as unknown as Check;
const validate = prototype.validate;
prototype.validate = function (this: Check): string[] {
  const key = JSON.stringify([this.versionCommand, this.versionConstraint, this.hint]);
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = validate.call(this);
    answers.set(key, answer);
  }
  return [...answer];
};
