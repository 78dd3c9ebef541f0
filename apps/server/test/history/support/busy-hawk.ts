// A hawk backend under steady change, for the kill -9 test: the real app and history path, with the
// hub driven by hand. After each change it prints the number of the last change it made.
import { loadEnv } from '../../../src/env';
import { createApp } from '../../../src/app';
import { clusterState, finding, T0 } from '../../transport/support/cluster-state';
import { createMemoryHub } from '../../transport/support/memory-hub';

const hub = createMemoryHub([clusterState('lab')]);
const app = await createApp({ env: loadEnv({ HAWK_DB: process.argv[2], HAWK_LOG_LEVEL: 'silent' }), hub });
await app.listen({ port: 0, host: '127.0.0.1' });

let change = 0;
setInterval(() => {
  change += 1;
  const at = T0 + change * 1_000;
  hub.push({ ...clusterState('lab'), observedAt: at, findings: [finding(`change:${change}`, 'info', at)] });
  hub.emitTimeline({ kind: 'probe-failed', clusterId: 'lab', at, target: `change-${change}`, error: 'refused' });
  process.stdout.write(`${change}\n`);
}, 2);
