/**
 * A real hawk replica (memory hub, Redis lock) in a process of its own, so a test can
 * SIGKILL it. Reads HAWK_* variables and ELECTION, REDIS_PREFIX; prints {"url": ...} once listening.
 */
import { clusterState } from '@hawk/testkit/cluster-state';
import { startHawkServer } from '@hawk/testkit/hawk-server';
import { createMemoryHub } from '@hawk/testkit/memory-hub';

const hub = createMemoryHub([clusterState('lab')]);
const hawk = await startHawkServer(
  hub,
  { HAWK_REDIS_URL: process.env.HAWK_REDIS_URL!, HAWK_REPLICA_ID: process.env.HAWK_REPLICA_ID! },
  { election: JSON.parse(process.env.ELECTION!), redisPrefix: process.env.REDIS_PREFIX! },
);
hawk.app.hawk.leadership.onChange((leading) => console.log(JSON.stringify({ leading, at: Date.now() })));
console.log(JSON.stringify({ url: hawk.url, leading: hawk.app.hawk.leadership.isLeader() }));
setInterval(() => undefined, 60_000);
