/** Composition root: load the environment once, build network → data → service, synthesize. */
import { App } from 'cdktf';
import { loadConfig } from './stacks/config';
import { NetworkStack } from './stacks/network-stack';

// cdktf runs the app from the project directory, which also holds local state (state/<env>/).
const config = loadConfig(process.env, process.cwd());
const app = new App();

new NetworkStack(app, 'network', { config });

app.synth();
