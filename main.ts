/** Composition root: load the settings and the seed data once, build the app, synthesize. */
import { App } from 'cdktf';
import { buildApp } from './app';
import { loadSeedData } from './stacks/seed';
import { loadConfig } from './stacks/settings/config';

// cdktf runs the app from the project directory, which also holds local state (state/<env>/).
const config = loadConfig(process.env, process.cwd());
// Every CSV problem is thrown here, before the app exists, so a bad file writes nothing at all.
const seed = loadSeedData(config.data.directory);
const app = new App();
buildApp(app, config, seed);
app.synth();
