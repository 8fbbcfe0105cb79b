/** The WordPress settings: defaults per environment, overrides, the variables that set them, and their validation. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConfig, loadConfig } from '../../stacks/settings/config';
import { ENVIRONMENT_NAMES } from '../../stacks/settings/environments';
import { VARIABLES, variablesOf } from '../../stacks/settings/variables';
import {
  mergeWordPressSettings,
  throwawayWordPress,
  upstreamNginxWarning,
  WORDPRESS_REGISTRY_IMAGES,
  wordpressDefaults,
  wordpressEgressWarning,
  type WordPressSettings,
} from '../../stacks/settings/wordpress';
import { configProblems, recordingEnv } from '../support/config';
import { CERTIFICATE_VARIABLES, forEnvironment } from '../support/certificates';

const ROOT = '/project';
const REPO = path.resolve(__dirname, '../..');
const wordpress = (name: string): WordPressSettings => buildConfig(name, forEnvironment(name), ROOT).wordpress;
/** loadConfig with these variables, in an environment. */
const load = (vars: Record<string, string>, environment = 'dev') =>
  loadConfig({ CDKTF_ENV: environment, ...(environment === 'prod' ? CERTIFICATE_VARIABLES : {}), ...vars }, ROOT).wordpress;

describe('WordPress defaults per environment', () => {
  it.each(ENVIRONMENT_NAMES)('%s is valid and off unless CDKTF_WORDPRESS=true', (name) => {
    expect([wordpress(name).enabled, load({}, name).enabled, load({ CDKTF_WORDPRESS: 'true' }, name).enabled]).toEqual([false, false, true]);
  });

  it('backs up the file system outside local and sandbox (moto cannot create a backup policy)', () => {
    expect(ENVIRONMENT_NAMES.map((name) => [name, wordpress(name).fileSystem.backups])).toEqual([
      ['local', false],
      ['dev', true],
      ['prod', true],
      ['sandbox', false],
    ]);
  });

  it('sizes Aurora and keeps its backups per environment', () => {
    expect(
      ENVIRONMENT_NAMES.map((name) => {
        const { minCapacityAcu, maxCapacityAcu, backupRetentionDays } = wordpress(name).database;
        return [name, minCapacityAcu, maxCapacityAcu, backupRetentionDays];
      }),
    ).toEqual([
      ['local', 0.5, 2, 1],
      ['dev', 0.5, 2, 1],
      ['prod', 1, 8, 14],
      ['sandbox', 0.5, 2, 1],
    ]);
  });

  it('protects the database with deletion protection and a final snapshot in prod only', () => {
    expect(ENVIRONMENT_NAMES.map((name) => [name, wordpress(name).database.deletionProtection, wordpress(name).database.finalSnapshot])).toEqual([
      ['local', false, false],
      ['dev', false, false],
      ['prod', true, true],
      ['sandbox', false, false],
    ]);
  });

  it('keeps the file system and the database from terraform destroy outside local', () => {
    expect(ENVIRONMENT_NAMES.map((name) => [name, wordpress(name).fileSystem.preventDestroy, wordpress(name).database.preventDestroy])).toEqual([
      ['local', false, false],
      ['dev', true, true],
      ['prod', true, true],
      ['sandbox', true, true],
    ]);
  });

  it('builds both images in dev and prod, and runs the pinned published ones in local', () => {
    expect([wordpress('dev').images, wordpress('local').images]).toEqual([
      {
        nginx: { kind: 'build', contextDirectory: '/project/service/wordpress/nginx', dockerfile: 'Dockerfile' },
        php: { kind: 'build', contextDirectory: '/project/service/wordpress/php-fpm', dockerfile: 'Dockerfile' },
      },
      { nginx: { kind: 'registry', reference: WORDPRESS_REGISTRY_IMAGES.nginx }, php: { kind: 'registry', reference: WORDPRESS_REGISTRY_IMAGES.php } },
    ]);
  });

  it('pins the published images to the bases of the two Dockerfiles', () => {
    const base = (context: string) => /^FROM\s+(\S+)/m.exec(fs.readFileSync(path.join(REPO, 'service', 'wordpress', context, 'Dockerfile'), 'utf8'))?.[1];
    expect([base('nginx'), base('php-fpm')]).toEqual([WORDPRESS_REGISTRY_IMAGES.nginx, WORDPRESS_REGISTRY_IMAGES.php]);
  });

  it('counts the installer redirect as healthy on /', () => {
    expect(wordpress('dev').healthCheck).toEqual({ path: '/', codes: '200,302' });
  });

  it('runs dev on Spot with scaling, prod on two on-demand tasks plus Spot, local without scaling (the emulator cannot create it)', () => {
    const summary = (name: string) => {
      const w = wordpress(name);
      return [w.spot, w.capacityProviderStrategy?.map((s) => `${s.capacityProvider}:${s.base ?? 0}:${s.weight}`), w.scaling && [w.scaling.minTasks, w.scaling.maxTasks]];
    };
    expect([summary('local'), summary('dev'), summary('prod')]).toEqual([
      [false, undefined, undefined],
      [true, undefined, [1, 3]],
      [false, ['FARGATE:2:1', 'FARGATE_SPOT:0:1'], [2, 6]],
    ]);
  });

  it('puts local tasks in public subnets (the local network has no NAT) and the others in private ones', () => {
    expect(ENVIRONMENT_NAMES.map((name) => wordpress(name).subnets)).toEqual(['public', 'private', 'private', 'private']);
  });
});

describe('throwawayWordPress', () => {
  it('turns off everything the emulated AWS cannot create or that stops a destroy, and uses published images', () => {
    const prod = throwawayWordPress(wordpressDefaults('prod', ROOT), ROOT);
    expect([
      prod.images.php.kind,
      prod.scaling,
      prod.capacityProviderStrategy,
      prod.fileSystem.backups,
      prod.fileSystem.preventDestroy,
      prod.database.deletionProtection,
      prod.database.finalSnapshot,
      prod.database.preventDestroy,
      prod.loadBalancer.deletionProtection,
      prod.repository.forceDelete,
    ]).toEqual(['registry', undefined, undefined, false, false, false, false, false, false, true]);
  });
});

describe('mergeWordPressSettings', () => {
  it('spot: true alone replaces prod’s strategy with all Spot', () => {
    const merged = mergeWordPressSettings(wordpressDefaults('prod', ROOT), { spot: true });
    expect([merged.spot, merged.capacityProviderStrategy]).toEqual([true, undefined]);
  });

  it('scaling: null removes scaling; a partial block fills in the rest', () => {
    const dev = wordpressDefaults('dev', ROOT);
    expect([mergeWordPressSettings(dev, { scaling: null }).scaling, mergeWordPressSettings(dev, { scaling: { maxTasks: 5 } }).scaling]).toEqual([
      undefined,
      { minTasks: 1, maxTasks: 5, cpuPercent: 70, memoryPercent: 80, requestsPerTarget: 1000 },
    ]);
  });

  it('merges nested blocks key by key', () => {
    const merged = mergeWordPressSettings(wordpressDefaults('prod', ROOT), { database: { minCapacityAcu: 2 }, fileSystem: { backups: false } });
    expect([merged.database.minCapacityAcu, merged.database.deletionProtection, merged.fileSystem.backups, merged.fileSystem.preventDestroy]).toEqual([2, true, false, true]);
  });
});

describe('the WordPress variables', () => {
  it('CDKTF_WORDPRESS_IMAGES=registry runs the pinned published images, and the image variables replace them', () => {
    expect([
      load({ CDKTF_WORDPRESS_IMAGES: 'registry' }).images,
      load({ CDKTF_WORDPRESS_IMAGES: 'registry', CDKTF_WORDPRESS_NGINX_IMAGE: 'ghcr.io/acme/wp-nginx:1' }).images.nginx,
    ]).toEqual([
      { nginx: { kind: 'registry', reference: WORDPRESS_REGISTRY_IMAGES.nginx }, php: { kind: 'registry', reference: WORDPRESS_REGISTRY_IMAGES.php } },
      { kind: 'registry', reference: 'ghcr.io/acme/wp-nginx:1' },
    ]);
  });

  it('CDKTF_WORDPRESS_IMAGES=build builds in local too', () => {
    expect(load({ CDKTF_WORDPRESS_IMAGES: 'build' }, 'local').images.php).toEqual({
      kind: 'build',
      contextDirectory: '/project/service/wordpress/php-fpm',
      dockerfile: 'Dockerfile',
    });
  });

  it('set the task, scaling, capacity, exec, subnets, certificate, database and backups', () => {
    const certificate = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
    const w = load({
      CDKTF_WORDPRESS_TASK_CPU: '1024',
      CDKTF_WORDPRESS_TASK_MEMORY: '3072',
      CDKTF_WORDPRESS_DESIRED_COUNT: '2',
      CDKTF_WORDPRESS_MIN_TASKS: '2',
      CDKTF_WORDPRESS_MAX_TASKS: '4',
      CDKTF_WORDPRESS_SPOT: 'false',
      CDKTF_WORDPRESS_ECS_EXEC: 'true',
      CDKTF_WORDPRESS_TASK_SUBNETS: 'public',
      CDKTF_WORDPRESS_CERTIFICATE_ARN: certificate,
      CDKTF_WORDPRESS_DB_MIN_ACU: '0',
      CDKTF_WORDPRESS_DB_MAX_ACU: '4.5',
      CDKTF_WORDPRESS_DB_BACKUP_DAYS: '7',
      CDKTF_WORDPRESS_EFS_BACKUPS: 'false',
    });
    expect([w.cpu, w.memoryMiB, w.desiredCount, w.scaling?.minTasks, w.scaling?.maxTasks, w.spot, w.enableExecuteCommand, w.subnets, w.certificateArn]).toEqual([
      1024,
      3072,
      2,
      2,
      4,
      false,
      true,
      'public',
      certificate,
    ]);
    expect([w.database.minCapacityAcu, w.database.maxCapacityAcu, w.database.backupRetentionDays, w.fileSystem.backups]).toEqual([0, 4.5, 7, false]);
  });

  it('CDKTF_WORDPRESS_AUTOSCALING=false removes scaling; true adds the default bounds where there were none', () => {
    expect([load({ CDKTF_WORDPRESS_AUTOSCALING: 'false' }).scaling, load({ CDKTF_WORDPRESS_AUTOSCALING: 'true' }, 'local').scaling?.maxTasks]).toEqual([undefined, 3]);
  });

  it('are exactly the CDKTF_WORDPRESS* variables loadConfig reads, all in the registry group the docs table and bench use', () => {
    const { env, read } = recordingEnv({ CDKTF_ENV: 'dev' });
    loadConfig(env, ROOT);
    expect([...read].filter((key) => key.startsWith('CDKTF_WORDPRESS')).sort()).toEqual(variablesOf(VARIABLES, 'wordpress').sort());
  });

  it('each have a row in the configuration table of docs/configuration.md', () => {
    const doc = fs.readFileSync(path.join(REPO, 'docs', 'configuration.md'), 'utf8');
    const table = doc.slice(doc.indexOf('### WordPress'), doc.indexOf('### Settings without a variable'));
    expect(variablesOf(VARIABLES, 'wordpress').filter((key) => !table.includes(`| \`${key}\` |`))).toEqual([]);
  });
});

describe('WordPress variables that fail at once, naming the variable, the value and the fix', () => {
  it.each([
    [{ CDKTF_WORDPRESS: 'yes' }, 'CDKTF_WORDPRESS: "yes" is not a boolean; use true or false'],
    [{ CDKTF_WORDPRESS_IMAGES: 'docker' }, 'CDKTF_WORDPRESS_IMAGES: "docker" is not an image mode; use build'],
    [{ CDKTF_WORDPRESS_DB_MIN_ACU: 'half' }, 'CDKTF_WORDPRESS_DB_MIN_ACU: "half" is not a number; use digits, e.g. 0.5'],
    [{ CDKTF_WORDPRESS_TASK_CPU: '1 vCPU' }, 'CDKTF_WORDPRESS_TASK_CPU: "1 vCPU" is not a Fargate CPU size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384'],
    [
      { CDKTF_WORDPRESS_PHP_IMAGE: 'ghcr.io/acme/wp-php:1' },
      'CDKTF_WORDPRESS_PHP_IMAGE: names a published image, but the images are built (the default of dev); set CDKTF_WORDPRESS_IMAGES=registry',
    ],
    [
      { CDKTF_WORDPRESS_AUTOSCALING: 'false', CDKTF_WORDPRESS_MAX_TASKS: '4' },
      'CDKTF_WORDPRESS_AUTOSCALING: false turns scaling off, but CDKTF_WORDPRESS_MIN_TASKS or CDKTF_WORDPRESS_MAX_TASKS sets a bound',
    ],
  ])('%j', (vars, message) => {
    expect(configProblems(() => load(vars)).join('\n')).toContain(message);
  });
});

describe('WordPress settings that fail validation', () => {
  it.each([
    [{ CDKTF_WORDPRESS_DB_MIN_ACU: '0.3' }, 'wordpress.database.minCapacityAcu 0.3 is invalid; use 0 to 256 in steps of 0.5, e.g. 0.5 (set by CDKTF_WORDPRESS_DB_MIN_ACU)'],
    [
      { CDKTF_WORDPRESS_DB_MIN_ACU: '4', CDKTF_WORDPRESS_DB_MAX_ACU: '2' },
      'wordpress.database.maxCapacityAcu 2 is below minCapacityAcu 4; raise maxCapacityAcu (set by CDKTF_WORDPRESS_DB_MAX_ACU)',
    ],
    [{ CDKTF_WORDPRESS_DB_BACKUP_DAYS: '40' }, 'wordpress.database.backupRetentionDays 40 is out of range; Aurora keeps 1 to 35 days (set by CDKTF_WORDPRESS_DB_BACKUP_DAYS)'],
    [
      { CDKTF_WORDPRESS_TASK_CPU: '256', CDKTF_WORDPRESS_TASK_MEMORY: '4096' },
      'wordpress.cpu 256 with memoryMiB 4096 is not a Fargate task size; with cpu 256 use memoryMiB 512, 1024, 2048 (set by CDKTF_WORDPRESS_TASK_CPU / CDKTF_WORDPRESS_TASK_MEMORY)',
    ],
    [{ CDKTF_WORDPRESS_DESIRED_COUNT: '5' }, 'wordpress.desiredCount 5 is outside scaling 1..3; pick a count inside it (set by CDKTF_WORDPRESS_DESIRED_COUNT)'],
    [
      { CDKTF_WORDPRESS_MIN_TASKS: '4', CDKTF_WORDPRESS_MAX_TASKS: '2' },
      'wordpress.scaling.maxTasks 2 is below minTasks 4 (or 1); raise maxTasks (set by CDKTF_WORDPRESS_MAX_TASKS)',
    ],
    [
      { CDKTF_WORDPRESS_CERTIFICATE_ARN: 'my-cert' },
      'wordpress.certificateArn: certificate ARN "my-cert" is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<id> (set by CDKTF_WORDPRESS_CERTIFICATE_ARN)',
    ],
    [{ CDKTF_WORDPRESS_TASK_SUBNETS: 'isolated' }, 'CDKTF_WORDPRESS_TASK_SUBNETS: "isolated" is not a kind of subnet; use one of private, public'],
  ])('%j', (vars, message) => {
    expect(configProblems(() => load(vars))).toContain(message);
  });

  it('a blank image variable counts as unset, so the pinned image stays', () => {
    expect(load({ CDKTF_WORDPRESS_IMAGES: 'registry', CDKTF_WORDPRESS_NGINX_IMAGE: ' ' }).images.nginx).toEqual({ kind: 'registry', reference: WORDPRESS_REGISTRY_IMAGES.nginx });
  });

  it('an empty registry reference names the image and the fix', () => {
    const problems = configProblems(() => buildConfig('dev', { wordpress: { images: { php: { kind: 'registry', reference: '' } } } }, ROOT));
    expect(problems).toContain(
      `wordpress.images.php: the registry reference is empty; give a pullable image, e.g. ${WORDPRESS_REGISTRY_IMAGES.php} (set by CDKTF_WORDPRESS_PHP_IMAGE)`,
    );
  });

  it('reports every problem at once', () => {
    const problems = configProblems(() => load({ CDKTF_WORDPRESS_DB_MIN_ACU: '0.3', CDKTF_WORDPRESS_DB_BACKUP_DAYS: '0' }));
    expect(problems.filter((p) => p.startsWith('wordpress.'))).toHaveLength(2);
  });

  it('asks for two zones only when the stack is on', () => {
    const oneZone = { CDKTF_AZS: 'eu-west-1a' };
    const wordpressProblems = (vars: Record<string, string>) => configProblems(() => load({ ...oneZone, ...vars })).filter((p) => p.startsWith('wordpress.'));
    expect([wordpressProblems({}), wordpressProblems({ CDKTF_WORDPRESS: 'true' })]).toEqual([
      [],
      ['wordpress.network.availabilityZones lists one zone; the load balancer and the database need at least two, e.g. eu-west-1a,<another zone> (CDKTF_AZS)'],
    ]);
  });
});

describe('WordPress warnings', () => {
  it('private tasks in a network without NAT cannot pull or read the secret; public ones or a NAT can', () => {
    const dev = wordpressDefaults('dev', ROOT);
    expect([
      wordpressEgressWarning(dev, { availabilityZones: ['a', 'b'], natMode: 'none' }),
      wordpressEgressWarning(dev, { availabilityZones: ['a', 'b'], natMode: 'single' }),
      wordpressEgressWarning({ ...dev, subnets: 'public' }, { availabilityZones: ['a', 'b'], natMode: 'none' }),
    ]).toEqual([expect.stringContaining('set CDKTF_WORDPRESS_TASK_SUBNETS=public or a NAT mode'), undefined, undefined]);
  });

  it('the upstream nginx of registry mode serves no PHP; a published build of service/wordpress/nginx does', () => {
    const local = wordpressDefaults('local', ROOT);
    const published = { ...local, images: { ...local.images, nginx: { kind: 'registry' as const, reference: 'ghcr.io/acme/wp-nginx:1' } } };
    expect([upstreamNginxWarning(local), upstreamNginxWarning(published), upstreamNginxWarning(wordpressDefaults('dev', ROOT))]).toEqual([
      expect.stringContaining('set CDKTF_WORDPRESS_NGINX_IMAGE'),
      undefined,
      undefined,
    ]);
  });
});

describe('WordPress database monitoring and backup plan', () => {
  it('exports audit, error and slow-query logs, with Performance Insights, enhanced monitoring and a 35-day backup plan in prod; none in dev', () => {
    const summary = (name: string) => {
      const { database, backupPlanDays } = wordpress(name);
      return [database.cloudwatchLogsExports, database.performanceInsights, database.monitoringIntervalSeconds, backupPlanDays];
    };
    expect([summary('dev'), summary('prod')]).toEqual([
      [[], false, 0, 0],
      [['audit', 'error', 'slowquery'], true, 60, 35],
    ]);
  });

  it('reads the logs, monitoring and plan from their variables', () => {
    const settings = load({ CDKTF_WORDPRESS_DB_LOGS: 'error,general', CDKTF_WORDPRESS_DB_MONITORING_SECONDS: '15', CDKTF_WORDPRESS_BACKUP_PLAN_DAYS: '7' });
    expect([settings.database.cloudwatchLogsExports, settings.database.monitoringIntervalSeconds, settings.backupPlanDays]).toEqual([['error', 'general'], 15, 7]);
  });

  it('refuses a log Aurora MySQL does not export, naming the variable and the choices', () => {
    expect(configProblems(() => load({ CDKTF_WORDPRESS_DB_LOGS: 'error,binlog' }))).toEqual([
      expect.stringMatching(/^CDKTF_WORDPRESS_DB_LOGS: "error,binlog" names a log .* audit, error, general, slowquery or none$/),
    ]);
  });
});
