/** The app's one composition: (bootstrap →) network → data → service (→ wordpress), wired by passing typed objects. */
import { Annotations, type App } from 'cdktf';
import type { BaseStack } from './stacks/base-stack';
import { BootstrapStack } from './stacks/bootstrap-stack';
import { DataStack } from './stacks/data-stack';
import { NetworkStack } from './stacks/network-stack';
import { ServiceStack } from './stacks/service-stack';
import { WordPressStack } from './stacks/wordpress-stack';
import type { SeedTable } from './stacks/seed';
import { configWarnings, type AppConfig } from './stacks/settings/config';

/** The stacks of one app, by id. */
export interface AppStacks {
  /** Every environment but `local` (the embedded DynamoDB has no S3 to keep state in). */
  readonly bootstrap?: BootstrapStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly service: ServiceStack;
  /** Only with `wordpress.enabled` (CDKTF_WORDPRESS=true). */
  readonly wordpress?: WordPressStack;
}

/** Builds every stack of `config` into `app` (main.ts's app, or a test's `Testing.app()`); `seed` is the loaded data directory. */
export function buildApp(app: App, config: AppConfig, seed: readonly SeedTable[]): AppStacks {
  // The state bucket the others' backend names; applied first, once per account and region.
  const bootstrap = config.environment === 'local' ? undefined : new BootstrapStack(app, 'bootstrap', { config });
  const network = new NetworkStack(app, 'network', { config });
  // The alarm topic crosses as a reference too; local has none, so its data stack reads nothing of network.
  const alarmTopicArn = network.alarmTopic?.topicArn;
  const data = new DataStack(app, 'data', { config, seed, alarmTopicArn });
  // Network ids and table names/ARNs cross as references: cdktf turns them into outputs and remote state.
  const service = new ServiceStack(app, 'service', { config, network: network.network, tables: data.tables, alarmTopicArn });
  // Opt-in (CDKTF_WORDPRESS=true): without it the app is exactly the three stacks above.
  const wordpress = config.wordpress.enabled ? new WordPressStack(app, 'wordpress', { config, network: network.network, alarmTopicArn }) : undefined;
  const stacks: BaseStack[] = [...(bootstrap ? [bootstrap] : []), network, data, service, ...(wordpress ? [wordpress] : [])];
  // cdktf prints each stack's annotations.
  for (const stack of stacks) {
    for (const warning of configWarnings(config)) Annotations.of(stack).addWarning(warning);
  }
  return { bootstrap, network, data, service, wordpress };
}
