/**
 * What Fargate accepts: task sizes, CPU architectures and capacity provider strategies. Pure
 * checks that return problems (empty when valid), shared by the constructs and the config.
 */

export const CPU_ARCHITECTURES = ['X86_64', 'ARM64'] as const;
/** The task's CPU architecture; it also sets the platform an image is built for. */
export type CpuArchitecture = (typeof CPU_ARCHITECTURES)[number];

/** The Docker platform that runs on a Fargate CPU architecture. */
export function dockerPlatform(architecture: CpuArchitecture): string {
  return architecture === 'ARM64' ? 'linux/arm64' : 'linux/amd64';
}

/**
 * Memory (MiB) that Fargate allows for each CPU size (units, 1024 = 1 vCPU), from
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_TASK_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

/** Why a CPU/memory pair is not a Fargate task size, or undefined if it is one. */
export function taskSizeProblem(cpu: number, memoryMiB: number): string | undefined {
  const memories = FARGATE_TASK_SIZES.get(cpu);
  if (!memories) {
    return `cpu ${cpu} is not a Fargate CPU size; use one of ${[...FARGATE_TASK_SIZES.keys()].join(', ')}`;
  }
  if (!memories.includes(memoryMiB)) {
    return `cpu ${cpu} with memoryMiB ${memoryMiB} is not a Fargate task size; with cpu ${cpu} use memoryMiB ${describeRange(memories)}`;
  }
  return undefined;
}

/** Why an architecture name is unknown, or undefined if Fargate runs it. */
export function architectureProblem(architecture: string): string | undefined {
  return (CPU_ARCHITECTURES as readonly string[]).includes(architecture) ? undefined : `cpuArchitecture "${architecture}" is unknown; use ${CPU_ARCHITECTURES.join(' or ')}`;
}

export const CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;
export type CapacityProvider = (typeof CAPACITY_PROVIDERS)[number];

/** One entry of a capacity provider strategy: `base` tasks first, the rest split by `weight`. */
export interface CapacityProviderShare {
  readonly capacityProvider: CapacityProvider;
  /** Tasks placed on this provider before weights apply; at most one entry may set it. @default 0 */
  readonly base?: number;
  /** Relative share of the tasks beyond the bases. */
  readonly weight: number;
}

/** On-demand Fargate only: the default when neither a strategy nor `spot` is given. */
export const ON_DEMAND_STRATEGY: readonly CapacityProviderShare[] = [{ capacityProvider: 'FARGATE', weight: 1 }];
/** Every task on Fargate Spot: the `spot: true` shortcut. */
export const SPOT_STRATEGY: readonly CapacityProviderShare[] = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];

/** The strategy a service runs with: the explicit one, else all Spot with `spot`, else all on-demand. */
export function resolveCapacityStrategy(spot: boolean, strategy?: readonly CapacityProviderShare[]): readonly CapacityProviderShare[] {
  return strategy ?? (spot ? SPOT_STRATEGY : ON_DEMAND_STRATEGY);
}

/** Every reason a capacity provider strategy would be refused by ECS, or by our rules. */
export function capacityStrategyProblems(strategy: readonly CapacityProviderShare[], options: { spot?: boolean; explicit?: boolean; architecture?: string } = {}): string[] {
  const problems: string[] = [];
  if (options.spot && options.explicit) {
    problems.push('spot: true is a shortcut for an all-Spot strategy and cannot be combined with capacityProviderStrategy; use one or the other');
  }
  if (strategy.length === 0) {
    problems.push('capacityProviderStrategy is empty; give at least one of FARGATE, FARGATE_SPOT with a weight above 0');
    return problems;
  }
  strategy.forEach((share, i) => {
    const where = `capacityProviderStrategy[${i}]`;
    if (!(CAPACITY_PROVIDERS as readonly string[]).includes(share.capacityProvider)) {
      problems.push(`${where}.capacityProvider "${share.capacityProvider}" is not a Fargate capacity provider; use FARGATE or FARGATE_SPOT`);
    }
    if (!Number.isInteger(share.weight) || share.weight < 0 || share.weight > 1000) {
      problems.push(`${where}.weight ${share.weight} is out of range; use a whole number from 0 to 1000`);
    }
    const base = share.base ?? 0;
    if (!Number.isInteger(base) || base < 0 || base > 100000) {
      problems.push(`${where}.base ${base} is out of range; use a whole number from 0 to 100000`);
    }
    if (strategy.findIndex((s) => s.capacityProvider === share.capacityProvider) !== i) {
      problems.push(`${where}: ${share.capacityProvider} is listed twice; list each capacity provider once`);
    }
  });
  if (strategy.every((share) => share.weight === 0)) {
    problems.push(
      `capacityProviderStrategy weights are all 0 (${strategy.map((s) => s.capacityProvider).join(', ')}); give at least one provider a weight above 0, e.g. FARGATE_SPOT weight 1`,
    );
  }
  if (strategy.filter((share) => (share.base ?? 0) > 0).length > 1) {
    problems.push('capacityProviderStrategy sets base on more than one provider; ECS allows a base on only one');
  }
  const usesSpot = strategy.some((share) => share.capacityProvider === 'FARGATE_SPOT' && (share.weight > 0 || (share.base ?? 0) > 0));
  if (usesSpot && options.architecture === 'ARM64') {
    problems.push('FARGATE_SPOT does not run ARM64 tasks; use cpuArchitecture X86_64 for Spot, or on-demand FARGATE for ARM64');
  }
  return problems;
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

function describeRange(values: readonly number[]): string {
  if (values.length <= 3) return values.join(', ');
  return `${values[0]} to ${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}
