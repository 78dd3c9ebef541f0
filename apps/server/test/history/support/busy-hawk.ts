// A hawk backend under steady change, for the kill -9 test: the real app and history path, with the
// hub driven by hand. It prints the number of each change once history has committed it.
// Usage: busy-hawk.ts <SQLite file path | postgres:// URL>
import { loadEnv } from '../../../src/env';
import { createApp } from '../../../src/app';
import { judgedLab, T0 } from '@hawk/testkit/cluster-state';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { openHistory } from './history-backends';

const lab = judgedLab('lab');
const base = lab.state;
/** The lab's leases renew every 2 s: each step of its clock gives every change new leases. */
const RENEW_EVERY_MS = 2_000;
const hub = createMemoryHub([base]);
const history = await openHistory(process.argv[2]!);
const committed = (change: number) => () => {
  process.stdout.write(`${change}\n`);
};
/**
 * The changes are stamped from testkit's fixed T0, in 2025. The app prunes history past its retention as it starts,
 * so the retention reaches back past T0: otherwise that prune, racing the first commits, deleted any it ran after.
 */
const retentionHours = Math.ceil((Date.now() - T0) / 3_600_000) + 24;
const app = await createApp({
  env: loadEnv({ HAWK_LOG_LEVEL: 'silent', HAWK_HISTORY_RETENTION_HOURS: String(retentionHours) }),
  hub,
  // The app's own repository, watched: a change is reported when its timeline row is committed.
  history: {
    ...history,
    appendTimeline: (event) =>
      history
        .appendTimeline(event)
        .then(committed('target' in event ? Number(event.target.slice('change-'.length)) : 0)),
  },
});
await app.listen({ port: 0, host: '127.0.0.1' });

let change = 0;
setInterval(() => {
  change += 1;
  const at = T0 + change * 1_000;
  // A lease renewal as core judges it (a small change, as most are), observed at T0 + change seconds:
  // its observedAt marks the change in history.
  hub.push({ ...base, observedAt: at, leases: lab.advance(RENEW_EVERY_MS).state.leases });
  hub.emitTimeline({ kind: 'probe-failed', clusterId: 'lab', at, target: `change-${change}`, error: 'refused' });
}, 2);
