import { capacityStrategyProblems, dockerPlatform, resolveCapacityStrategy, taskSizeProblem } from '../../stacks/lib/fargate-rules';

describe('Fargate task sizes', () => {
  it.each([
    [256, 512],
    [256, 2048],
    [512, 4096],
    [1024, 8192],
    [4096, 30720],
    [8192, 61440],
    [16384, 122880],
  ])('cpu %i with %i MiB is a valid pair', (cpu, memory) => {
    expect(taskSizeProblem(cpu, memory)).toBeUndefined();
  });

  it('names the memory sizes that fit a CPU when the pair is invalid', () => {
    expect(taskSizeProblem(256, 4096)).toBe('cpu 256 with memoryMiB 4096 is not a Fargate task size; with cpu 256 use memoryMiB 512, 1024, 2048');
  });

  it('describes a stepped range for larger CPUs', () => {
    expect(taskSizeProblem(1024, 1024)).toContain('use memoryMiB 2048 to 8192 in steps of 1024');
  });

  it('rejects a CPU size Fargate does not offer', () => {
    expect(taskSizeProblem(300, 512)).toBe('cpu 300 is not a Fargate CPU size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384');
  });

  it('8 vCPU tasks take memory in 4 GiB steps only', () => {
    expect(taskSizeProblem(8192, 17408)).toBeDefined();
  });
});

describe('image platform', () => {
  it('matches the task CPU architecture', () => {
    expect([dockerPlatform('X86_64'), dockerPlatform('ARM64')]).toEqual(['linux/amd64', 'linux/arm64']);
  });
});

describe('capacity provider strategy', () => {
  it('defaults to all on-demand FARGATE', () => {
    expect(resolveCapacityStrategy(false)).toEqual([{ capacityProvider: 'FARGATE', weight: 1 }]);
  });

  it('spot: true means all FARGATE_SPOT', () => {
    expect(resolveCapacityStrategy(true)).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
  });

  it('an explicit mixed strategy is kept as given', () => {
    const mixed = [
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
    ] as const;
    expect(resolveCapacityStrategy(false, mixed)).toBe(mixed);
    expect(capacityStrategyProblems(mixed)).toEqual([]);
  });

  it('refuses weights that are all zero', () => {
    expect(capacityStrategyProblems([{ capacityProvider: 'FARGATE_SPOT', weight: 0 }])).toEqual([
      'capacityProviderStrategy weights are all 0 (FARGATE_SPOT); give at least one provider a weight above 0, e.g. FARGATE_SPOT weight 1',
    ]);
  });

  it('allows a base on only one provider', () => {
    const problems = capacityStrategyProblems([
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', base: 1, weight: 1 },
    ]);
    expect(problems).toEqual(['capacityProviderStrategy sets base on more than one provider; ECS allows a base on only one']);
  });

  it('refuses a provider listed twice', () => {
    const problems = capacityStrategyProblems([
      { capacityProvider: 'FARGATE', weight: 1 },
      { capacityProvider: 'FARGATE', weight: 2 },
    ]);
    expect(problems).toEqual(['capacityProviderStrategy[1]: FARGATE is listed twice; list each capacity provider once']);
  });

  it('refuses Spot for ARM64 tasks, which Fargate Spot does not run', () => {
    expect(capacityStrategyProblems([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }], { architecture: 'ARM64' })).toEqual([
      'FARGATE_SPOT does not run ARM64 tasks; use cpuArchitecture X86_64 for Spot, or on-demand FARGATE for ARM64',
    ]);
  });

  it('refuses spot: true together with an explicit strategy', () => {
    expect(capacityStrategyProblems(resolveCapacityStrategy(true), { spot: true, explicit: true })[0]).toMatch(/cannot be combined/);
  });

  it('refuses out-of-range weights and bases', () => {
    expect(capacityStrategyProblems([{ capacityProvider: 'FARGATE', base: -1, weight: 1001 }])).toEqual([
      'capacityProviderStrategy[0].weight 1001 is out of range; use a whole number from 0 to 1000',
      'capacityProviderStrategy[0].base -1 is out of range; use a whole number from 0 to 100000',
    ]);
  });
});
