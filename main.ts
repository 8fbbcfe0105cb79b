/** Composition root: load the environment once, build network → data → service, synthesize. */
import { App } from 'cdktf';
import { loadConfig } from './stacks/config';
import { DataStack } from './stacks/data-stack';
import { NetworkStack } from './stacks/network-stack';
import { ServiceStack } from './stacks/service-stack';
import { loadSeedData } from './stacks/seed';

// cdktf runs the app from the project directory, which also holds local state (state/<env>/).
const config = loadConfig(process.env, process.cwd());
// Every CSV problem is thrown here, before the app exists, so a bad file writes nothing at all.
const seed = loadSeedData(config.data.directory);
const app = new App();

const networkStack = new NetworkStack(app, 'network', { config });
const dataStack = new DataStack(app, 'data', { config, seed });
// Network ids and table names/ARNs cross as references: cdktf turns them into outputs and remote state.
new ServiceStack(app, 'service', { config, network: networkStack.network, tables: dataStack.tables });

app.synth();
