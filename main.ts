/** Composition root: load the environment once, build network → data → service (→ wordpress), synthesize. */
import { Annotations, App } from 'cdktf';
import type { BaseStack } from './stacks/base-stack';
import { configWarnings, loadConfig } from './stacks/config';
import { DataStack } from './stacks/data-stack';
import { NetworkStack } from './stacks/network-stack';
import { ServiceStack } from './stacks/service-stack';
import { loadSeedData } from './stacks/seed';
import { WordPressStack } from './stacks/wordpress-stack';

// cdktf runs the app from the project directory, which also holds local state (state/<env>/).
const config = loadConfig(process.env, process.cwd());
// Every CSV problem is thrown here, before the app exists, so a bad file writes nothing at all.
const seed = loadSeedData(config.data.directory);
const app = new App();

const networkStack = new NetworkStack(app, 'network', { config });
const dataStack = new DataStack(app, 'data', { config, seed });
// Network ids and table names/ARNs cross as references: cdktf turns them into outputs and remote state.
const serviceStack = new ServiceStack(app, 'service', { config, network: networkStack.network, tables: dataStack.tables });
const stacks: BaseStack[] = [networkStack, dataStack, serviceStack];
// Opt-in (CDKTF_WORDPRESS=true): without it the app is exactly the three stacks above.
if (config.wordpress.enabled) stacks.push(new WordPressStack(app, 'wordpress', { config, network: networkStack.network }));
// cdktf prints each stack's annotations; every stack keeps its state where the backend says.
for (const stack of stacks) {
  for (const warning of configWarnings(config)) Annotations.of(stack).addWarning(warning);
}

app.synth();
