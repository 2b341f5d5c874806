// The Broadsheet CDK app: `npx cdk synth` (offline, no credentials needed), `npx cdk deploy --all -c domain=...`.
import { App } from 'aws-cdk-lib';
import { buildBroadsheet } from './broadsheet.ts';
import { readSettings } from './settings.ts';
import { addChecks } from './synth.ts';

const app = new App();
const settings = readSettings((key) => app.node.tryGetContext(key));
const stackPrefix = app.node.tryGetContext('stackPrefix') as unknown;
buildBroadsheet(app, settings, typeof stackPrefix === 'string' && stackPrefix ? { stackPrefix } : {});
addChecks(app);
app.synth();
