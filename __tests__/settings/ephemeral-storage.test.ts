/** Task ephemeral storage: one setting of the service spec, set by variable, by the services file or for WordPress, and passed to the task definition. */
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { buildApp } from '../../app';
import { loadSeedData } from '../../stacks/seed';
import { loadConfig } from '../../stacks/settings/config';
import { configProblems } from '../support/config';
import { writeTree } from '../support/service-fixtures';
import { byPath, parse, synthAppStack } from '../support/synth';
import { CERTIFICATE_VARIABLES } from '../support/certificates';

const ROOT = path.resolve(__dirname, '../..');

describe('ephemeral storage of the tasks', () => {
  it('CDKTF_TASK_EPHEMERAL_STORAGE sizes the default service task', () => {
    const service = synthAppStack(loadConfig({ CDKTF_ENV: 'dev', CDKTF_TASK_EPHEMERAL_STORAGE: '40' }, ROOT), 'service');
    expect(byPath(service, 'services/service/task/definition').props.ephemeral_storage).toEqual({ size_in_gib: 40 });
  });

  it('is Fargate’s free 20 GiB by default: no ephemeral_storage block in any environment', () => {
    const tasks = ['local', 'dev', 'prod'].map(
      (env) =>
        byPath(synthAppStack(loadConfig({ CDKTF_ENV: env, ...(env === 'prod' ? CERTIFICATE_VARIABLES : {}) }, ROOT), 'service'), 'services/service/task/definition').props
          .ephemeral_storage,
    );
    expect(tasks).toEqual([undefined, undefined, undefined]);
  });

  it('a service of the services file sets its own, and the others keep the default', () => {
    const dir = writeTree({
      'services.json': JSON.stringify({
        services: [
          { name: 'big', image: 'registry:nginx', containerPort: 8080, external: { port: 80 }, ephemeralStorageGiB: 100 },
          { name: 'small', image: 'registry:nginx', containerPort: 8080, external: { port: 8080 } },
        ],
      }),
    });
    const service = synthAppStack(loadConfig({ CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: path.join(dir, 'services.json') }, ROOT), 'service');
    expect(['big', 'small'].map((name) => byPath(service, `services/${name}/task/definition`).props.ephemeral_storage)).toEqual([{ size_in_gib: 100 }, undefined]);
  });

  it('CDKTF_WORDPRESS_EPHEMERAL_STORAGE sizes the WordPress task', () => {
    const config = loadConfig({ CDKTF_ENV: 'dev', CDKTF_WORDPRESS: 'true', CDKTF_WORDPRESS_IMAGES: 'registry', CDKTF_WORDPRESS_EPHEMERAL_STORAGE: '60' }, ROOT);
    const app = Testing.app();
    const { wordpress } = buildApp(app, config, loadSeedData(config.data.directory));
    const json = parse(Testing.synth(wordpress as NonNullable<typeof wordpress>));
    expect(byPath(json, 'task/definition').props.ephemeral_storage).toEqual({ size_in_gib: 60 });
  });

  it('a size out of range is refused before synth, naming the setting and the range', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_TASK_EPHEMERAL_STORAGE: '500' }, ROOT))).toEqual([
      'service.services[0].ephemeralStorageGiB 500 is out of range; Fargate takes 21 to 200 GiB (unset keeps the free 20 GiB)',
    ]);
  });

  it('a size that is not a number names the variable', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_TASK_EPHEMERAL_STORAGE: 'big' }, ROOT))).toEqual([
      'CDKTF_TASK_EPHEMERAL_STORAGE: "big" is not a whole number; use digits, e.g. 30',
    ]);
  });
});
