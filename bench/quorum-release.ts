/**
 * `tsx bench/quorum-release.ts [--outage-seconds 12] [--how freeze|stop]`: what a leader does when etcd
 * quorum comes back just after its renew deadline. Freezes (or stops) two etcd members, heals after the
 * outage (a thaw brings quorum back at once, a restart takes a while), and records the
 * kube-scheduler and kube-controller-manager Leases as etcd held them (lease-truth.ts) next to what
 * one hawk replica showed. Written to explain a LeaderElectionNoHolder seen in the replica chaos run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureLab } from '@hawk/lab';
import { sleep, spawnHawkProcess } from '@hawk/testkit/hawk-process';
import { followCluster } from './support/cluster-feed';
import { recordLeaseTruth } from './support/lease-truth';

const { values: args } = parseArgs({
  options: { 'outage-seconds': { type: 'string', default: '12' }, how: { type: 'string', default: 'freeze' } },
});
const how = args.how === 'stop' ? 'stop' : 'freeze';
const outageMs = Number(args['outage-seconds']) * 1000;
const lab = await ensureLab({}, { onProgress: (message) => console.error(`[lab] ${message}`) });
await lab.fault.heal();
const hawk = await spawnHawkProcess(lab.env());
const feed = await followCluster(hawk.url);
const watched = ['kube-system/kube-scheduler', 'kube-system/kube-controller-manager'];
const truth = recordLeaseTruth(lab, watched, 250);
await sleep(20_000);

const stoppedAt = Date.now();
await lab.fault[how]('etcd', 1);
await lab.fault[how]('etcd', 2);
const quorumLostAt = Date.now();
await sleep(outageMs);
const healAt = Date.now();
await lab.fault.heal();
const healedAt = Date.now();
await sleep(20_000);

feed.close();
await hawk.stop();
await truth.stop();
const rel = (at: number) => `+${((at - quorumLostAt) / 1000).toFixed(1)} s`;
// Every write from just before the fault: the last renewals, the release if any, the next holder's.
const transitions = truth.changes().filter((change) => change.seenAt >= stoppedAt - 3_000);
const leaseFindings = feed.sightings().filter((s) => s.ruleId.startsWith('LeaderElection') && s.openedAt >= stoppedAt);
const lines = [
  `# etcd quorum lost for ${outageMs / 1000} s (two members: ${how}), then healed (${new Date().toISOString()})`,
  '',
  `second member ${how === 'freeze' ? 'frozen' : 'stopped'} at +0.0 s; heal sent ${rel(healAt)}, lab ready ` +
    `${rel(healedAt)}`,
  '',
  '## Leases in etcd (serializable reads every 250 ms): every write seen',
  '',
  ...transitions.map(
    (c) =>
      `- ${rel(c.seenAt)} ${c.key}: holder ${c.holderIdentity ?? '∅ (empty: released)'}, leaseDurationSeconds ` +
      `${c.leaseDurationSeconds}, renewTime ${c.renewTime}, rev ${c.modRevision}`,
  ),
  '',
  '## What hawk showed (lease findings)',
  '',
  ...(leaseFindings.length
    ? leaseFindings.map(
        (s) =>
          `- ${rel(s.openedAt)} → ${s.closedAt === null ? 'still open' : rel(s.closedAt)}: ${s.ruleId}: ${s.title}`,
      )
    : ['- none']),
  '',
];
console.log(lines.join('\n'));
writeFileSync(join(import.meta.dirname, 'results', `quorum-release-${how}-${outageMs / 1000}s.md`), lines.join('\n'));
process.exit(0);
