/** When the local data deploy runs `terraform init` before its apply (scripts/lib/terraform-init.ts). */
import { asksForInit, initReason } from '../../scripts/lib/terraform-init';

const STATE = '/p/state/local/data.tfstate';

describe('initReason', () => {
  test('a directory initialised for the wanted state, with its lock file, needs no init', () => {
    expect(initReason({ wantedStatePath: STATE, initialisedStatePath: STATE, hasLockFile: true })).toBeUndefined();
  });

  test('a directory never initialised needs init', () => {
    expect(initReason({ wantedStatePath: STATE, initialisedStatePath: undefined, hasLockFile: false })).toBe('the stack directory is not initialised');
  });

  test('a directory initialised for another state needs init, naming that state', () => {
    expect(initReason({ wantedStatePath: STATE, initialisedStatePath: '/p/state/sandbox/data.tfstate', hasLockFile: true })).toBe(
      'the stack directory is initialised for another state (/p/state/sandbox/data.tfstate)',
    );
  });

  test('a directory without its dependency lock file needs init', () => {
    expect(initReason({ wantedStatePath: STATE, initialisedStatePath: STATE, hasLockFile: false })).toBe('the stack directory has no dependency lock file');
  });

  test('a state that is not a local file always needs init: its backend cannot be compared', () => {
    expect(initReason({ wantedStatePath: undefined, initialisedStatePath: undefined, hasLockFile: true })).toBe('the state is not a local file, and its backend may have changed');
  });
});

describe('asksForInit', () => {
  test("Terraform's plain error for an inconsistent lock file asks for init", () => {
    const output = [
      '',
      'Error: Inconsistent dependency lock file',
      '',
      'The following dependency selections recorded in the lock file are',
      'inconsistent with the current configuration:',
      '  - provider registry.terraform.io/hashicorp/aws: required by this configuration but no version is selected',
      '',
      'To make the initial dependency selections that will initialize the dependency',
      'lock file, run:',
      '  terraform init',
    ].join('\n');
    expect(asksForInit(output)).toBe(true);
  });

  test("Terraform's boxed error for a changed backend asks for init", () => {
    const output = [
      '╷',
      '│ Error: Backend initialization required, please run "terraform init"',
      '│ ',
      '│ Reason: Initial configuration of the requested backend "local"',
      '╵',
    ].join('\n');
    expect(asksForInit(output)).toBe(true);
  });

  test("Terraform's error for a provider missing from .terraform/providers asks for init, though it does not name it", () => {
    const output = [
      '',
      'Error: Required plugins are not installed',
      '',
      'The installed provider plugins are not consistent with the packages selected',
      'in the dependency lock file:',
      '  - registry.terraform.io/hashicorp/aws: there is no package for registry.terraform.io/hashicorp/aws 5.100.0 cached in .terraform/providers',
      '',
      'Terraform uses external plugins to integrate with a variety of different',
      'infrastructure services. You must install the required plugins before running',
      'Terraform operations.',
    ].join('\n');
    expect(asksForInit(output)).toBe(true);
  });

  test('an error that does not mention init does not', () => {
    expect(asksForInit('Error: creating DynamoDB Table (bookmarks-local-category): ResourceInUseException\n')).toBe(false);
  });

  test('a mention of init outside an error does not', () => {
    expect(asksForInit('Terraform has been successfully initialized! You may now run terraform init again at any time.\n')).toBe(false);
  });
});
