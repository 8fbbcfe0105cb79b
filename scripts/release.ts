/**
 * `npm run release -- <service> <image> [--timeout <minutes>]`: ships an image to a pipeline
 * service without Terraform (docs/release.md). It copies the revision the service runs with only
 * the image of its container changed, points the service at the copy and waits for the
 * deployment: exit 0 when it completed; 1 when it rolled back, failed or timed out; 2 for a bad
 * input (an unknown service, a terraform-mode one, a malformed image, broken settings).
 *
 * The settings are read as every command reads them (CDKTF_ENV, CDKTF_PROJECT, CDKTF_SERVICES_FILE,
 * ...). With CDKTF_ENV=sandbox it talks to the sandbox's moto (MOTO_PORT) with fake credentials;
 * otherwise to AWS in the configured region with the usual credential chain (an OIDC role in CI).
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type ECSClientConfig, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CONTAINER_NAME } from '../stacks/lib/naming';
import { ConfigError, loadConfig, type AppConfig } from '../stacks/settings/config';
import { emulatorUrl } from './lib/emulator';
import { exitCodeOf, imageProblem, outcomeLine, release, RELEASE_EXIT_CODES, ReleaseInputError, releaseTarget, type ReleaseEcs } from './lib/release';

const USAGE = 'usage: npm run release -- <service> <image> [--timeout <minutes>], e.g. npm run release -- customer 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:3f2c1ab';
/** How long a deployment may take before the release gives up on it; ECS keeps deploying. */
const DEFAULT_TIMEOUT_MINUTES = 15;

/** The command line, or a {@link ReleaseInputError} naming what is wrong with it. */
export function parseReleaseArguments(args: readonly string[]): { service: string; image: string; timeoutMinutes: number } {
  const rest = [...args];
  let timeoutMinutes = DEFAULT_TIMEOUT_MINUTES;
  const at = rest.indexOf('--timeout');
  if (at >= 0) {
    const given = rest[at + 1];
    timeoutMinutes = Number(given);
    if (!(timeoutMinutes > 0)) throw new ReleaseInputError(`release: --timeout "${given ?? ''}" is not a number of minutes; give e.g. --timeout 15`);
    rest.splice(at, 2);
  }
  if (rest.length !== 2 || rest.some((a) => a.startsWith('--'))) throw new ReleaseInputError(`release: expected a service and an image, got ${JSON.stringify(rest)}; ${USAGE}`);
  const [service, image] = rest;
  const problem = imageProblem(image);
  if (problem) throw new ReleaseInputError(`release: ${problem}`);
  return { service, image, timeoutMinutes };
}

/** The ECS client of the environment: the sandbox's moto, or AWS. */
export function ecsClientConfig(config: AppConfig): ECSClientConfig {
  if (config.environment === 'sandbox') {
    return { endpoint: emulatorUrl(config.aws.endpoints), region: config.region, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 2 };
  }
  return { region: config.region };
}

/** The SDK client behind the release's ECS port. */
function ecsPort(ecs: ECSClient): ReleaseEcs {
  return {
    describeService: async (cluster, service) => {
      try {
        return (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.find((s) => s.status === 'ACTIVE');
      } catch (error) {
        // No cluster is no service: the release then says which stack to deploy.
        if (error instanceof Error && error.name === 'ClusterNotFoundException') return undefined;
        throw error;
      }
    },
    describeTaskDefinition: async (taskDefinition) => {
      const answer = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }));
      if (!answer.taskDefinition) throw new Error(`release: ECS describes no task definition ${taskDefinition}`);
      return { taskDefinition: answer.taskDefinition, tags: answer.tags };
    },
    registerTaskDefinition: async (input) => {
      const answer = await ecs.send(new RegisterTaskDefinitionCommand(input));
      if (!answer.taskDefinition) throw new Error(`release: ECS registered no task definition for ${input.family}`);
      return answer.taskDefinition;
    },
    updateService: async (cluster, service, taskDefinition) => {
      const answer = await ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition }));
      if (!answer.service) throw new Error(`release: ECS answered UpdateService of ${service} without the service`);
      return answer.service;
    },
  };
}

/** Where the release writes: progress and the outcome, and the problems. */
export interface ReleaseOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** The whole command: its exit code, given the arguments, the variables and the project directory. */
export async function runRelease(args: readonly string[], env: NodeJS.ProcessEnv, root: string, output: ReleaseOutput): Promise<number> {
  const log = (line: string) => output.out(`[release] ${line}`);
  try {
    const started = Date.now();
    const { service, image, timeoutMinutes } = parseReleaseArguments(args);
    const config = loadConfig(env, root);
    if (config.environment === 'local') {
      throw new ReleaseInputError('release: CDKTF_ENV=local runs no ECS service (npm start runs the API itself); use CDKTF_ENV=sandbox, dev or prod');
    }
    const target = releaseTarget(config, config.service, config.service.services, service, CONTAINER_NAME);
    const emulated = config.environment === 'sandbox';
    const ecs = new ECSClient(ecsClientConfig(config));
    try {
      const outcome = await release(ecsPort(ecs), target, image, { emulated, timeoutMs: timeoutMinutes * 60_000, pollMs: emulated ? 200 : 10_000, log });
      log(`${outcomeLine(target, outcome)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return exitCodeOf(outcome);
    } finally {
      ecs.destroy();
    }
  } catch (error) {
    if (error instanceof ReleaseInputError || error instanceof ConfigError) {
      output.err(error.message);
      return RELEASE_EXIT_CODES['bad-input'];
    }
    output.err(`release: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  // The SDK's notice about a future Node requirement is not the release's business.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const output: ReleaseOutput = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
  void runRelease(process.argv.slice(2), process.env, process.cwd(), output).then((code) => {
    process.exitCode = code;
  });
}
