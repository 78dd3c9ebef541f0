import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '@hawk/core';
import type { Lab } from '@hawk/lab';
import { finding, useLabHub, type LabHub } from '@hawk/testkit/lab-hub';

/**
 * hawk's etcd probe interval here (ms). A quorum loss is seen at the first etcd round after it: within one interval,
 * plus the round (the survivor's status at once, its alarm read given up after etcdAlarmGraceMs, 250 ms) and the hub's
 * debounce (50 ms). At the server's default of 2 s, "within 1 s" cannot hold; at 500 ms it can.
 */
const PROBE_INTERVAL_MS = 500;
const WITHIN_MS = 1_000;

/** What etcd's raft logs when a member loses its leader: the leader's CheckQuorum step-down, or a follower's. */
const RAFT_LOST = /stepped down to follower since quorum is not active|lost leader|became pre-candidate/;

interface LogLine {
  readonly at: number;
  readonly msg: string;
}

/** The survivor's etcd log from `offset` on: etcd logs JSON lines, "ts" in UTC with microseconds. */
async function etcdLog(path: string, offset: number): Promise<LogLine[]> {
  const text = (await readFile(path)).subarray(offset).toString('utf8');
  return text.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { ts?: string | number; msg?: string };
      const at = typeof entry.ts === 'number' ? entry.ts * 1000 : Date.parse(entry.ts ?? '');
      return Number.isFinite(at) && entry.msg ? [{ at, msg: entry.msg }] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Polls `etcd_server_has_leader` on the member's plain metrics port, which kubeadm binds to 127.0.0.1: from inside its
 * node's network namespace, every 50 ms. Returns the samples and a stop.
 */
function pollHasLeader(lab: Lab, host: string) {
  const script =
    'while :; do v=$(curl -s -m 1 http://127.0.0.1:2381/metrics | grep "^etcd_server_has_leader "); echo ' +
    '"$(date +%s%3N) $v"; sleep 0.05; done';
  const child = spawn('ip', ['netns', 'exec', lab.host(host).netns, 'sh', '-c', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const samples: { at: number; hasLeader: boolean | null }[] = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const [at, , value] = line.split(' ');
      samples.push({ at: Number(at), hasLeader: value === undefined ? null : value === '1' });
    }
  });
  return {
    samples,
    firstWithout: (since: number) => samples.find((s) => s.at >= since && s.hasLeader === false)?.at,
    stop: () => child.kill('SIGTERM'),
  };
}

/** Records what hawk judged of the quorum every 50 ms, until stopped. */
function recordQuorum(h: LabHub) {
  const seen: { at: number; quorum: ClusterState['etcd']['quorum'] }[] = [];
  const timer = setInterval(() => seen.push({ at: Date.now(), quorum: h.state().etcd.quorum }), 50);
  return { seen, stop: () => clearInterval(timer) };
}

describe('etcd quorum as raft counts it', () => {
  const h = useLabHub(undefined, undefined, { probeIntervalMs: PROBE_INTERVAL_MS });

  it('two members stop gracefully: "quorum lost" opens no earlier than raft lost it, and within 1 s after', async () => {
    const leader = await h.lab.etcdLeader();
    expect(leader, 'an etcd leader to keep running').toBeDefined();
    const survivor = leader!;
    const [first, second] = [1, 2, 3].filter((n) => n !== survivor.index);
    // Followers stop, so the survivor leads throughout and raft loses quorum by its CheckQuorum step-down alone.
    await h.faultUntil(
      'first etcd follower stops gracefully',
      () => h.lab.fault.stopEtcd(first!),
      (s) => s.etcd.quorum.healthy === 2 && finding(s, 'EtcdOneFailureFromQuorumLoss') !== undefined,
    );
    await h.until(
      'the survivor reported as raft leader',
      (s) => s.etcd.quorum.raftLeader?.name === survivor.host,
      10_000,
    );

    const logPath = h.lab.logFile(survivor);
    const logFrom = (await stat(logPath)).size;
    const metric = pollHasLeader(h.lab, survivor.host);
    const judged = recordQuorum(h);
    try {
      await h.lab.waitFor(() => metric.samples.some((s) => s.hasLeader === true), 10_000, {
        description: 'etcd_server_has_leader read on the survivor',
      });
      const stopAt = Date.now();
      const stopped = h.lab.fault.stopEtcd(second!);
      stopped.catch(() => undefined);
      await h.until('EtcdQuorumLost', (s) => finding(s, 'EtcdQuorumLost') !== undefined, 60_000);
      const goneAt = Date.parse((await stopped).at);
      await h.lab.waitFor(() => metric.firstWithout(stopAt) !== undefined, 5_000, {
        description: 'etcd_server_has_leader 0 on the survivor',
      });

      // etcd's own evidence of when raft lost quorum: the survivor's log, cross-checked by its has_leader metric.
      const lines = await etcdLog(logPath, logFrom);
      const raftLost = lines.find((line) => line.at >= stopAt && RAFT_LOST.test(line.msg));
      expect(
        raftLost,
        `a raft step-down in ${logPath}; lines since the stop:\n${lines.map((l) => l.msg).join('\n')}`,
      ).toBeDefined();
      const raftLostAt = raftLost!.at;
      const metricLostAt = metric.firstWithout(stopAt)!;
      const openedAt = h.openedAt('EtcdQuorumLost', stopAt);
      expect(openedAt).toBeDefined();

      // While the stopping member drained, hawk saw one member answer and judged quorum held by raft's leader.
      const draining = judged.seen.filter((s) => s.at >= stopAt && s.at < raftLostAt && s.quorum.healthy === 1);
      const heldByRaft = draining.filter((s) => s.quorum.hasQuorum && s.quorum.raftLeader?.name === survivor.host);
      const firstOneAnswering = draining[0]?.at;
      const rel = (at: number | undefined) => (at === undefined ? '-' : `+${at - stopAt} ms`);
      console.log(
        `[etcd raft quorum] stop call ${new Date(stopAt).toISOString()}; hawk saw 1/3 answering ` +
          `${rel(firstOneAnswering)}; ` +
          `process gone ${rel(goneAt)}; raft lost (log: "${raftLost!.msg}") ${rel(raftLostAt)}; has_leader 0 ` +
          `polled ${rel(metricLostAt)}; ` +
          `EtcdQuorumLost opened ${rel(openedAt)} = ${openedAt! - raftLostAt} ms after raft; probe interval ` +
          `${PROBE_INTERVAL_MS} ms; ` +
          `evidence while draining: "${heldByRaft.at(-1)?.quorum.evidence ?? '-'}"`,
      );
      expect(heldByRaft.length, 'hawk judged quorum held by the raft leader while the member drained').toBeGreaterThan(
        0,
      );
      expect(openedAt!).toBeGreaterThanOrEqual(raftLostAt);
      expect(openedAt! - raftLostAt).toBeLessThanOrEqual(WITHIN_MS);
      // The two readings of etcd agree: the metric flips when raft logs the loss (polled every 50 ms, plus curl's
      // time).
      expect(metricLostAt).toBeGreaterThanOrEqual(raftLostAt - 5);
      expect(metricLostAt - raftLostAt).toBeLessThan(500);
      expect(h.state().etcd.quorum).toMatchObject({ healthy: 1, hasQuorum: false, raftLeader: null });
    } finally {
      judged.stop();
      metric.stop();
    }
  }, 180_000);
});
