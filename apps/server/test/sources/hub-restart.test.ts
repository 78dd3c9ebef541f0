import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgesWholeCluster, type TimelineEvent } from '@hawk/core';
import { ensureLab } from '@hawk/lab';
import { createKubeClient, instanceBase, type KubeClient } from '../../src/clusters/kube-client';
import { labKubeConfig, startLabHub, steady, type LabHub } from '@hawk/testkit/lab-hub';

// Issue 14, bug 1: a hub stopped and started again (lead → follow → lead) must watch each source
// exactly once with fresh clients, and see the cluster as it is (it used to report etcd 0/3 for ever).
describe('a hub started, stopped and started again', () => {
  let h: LabHub;
  let metrics: KubeClient;

  beforeAll(async () => {
    const lab = await ensureLab();
    await lab.fault.heal();
    h = await startLabHub({ lab });
    metrics = createKubeClient(labKubeConfig(lab));
  });
  afterAll(async () => {
    await h?.stop();
    await metrics?.close();
  });

  /** hawk's namespaced watches open on every apiserver, from their own metrics. */
  async function openWatches(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const instance of h.state().apiServers.instances) {
      if (instance.address === null || instance.port === null) continue;
      const response = await metrics.openAt(instanceBase(instance.address, instance.port), '/metrics', {
        headersTimeoutMs: 5000,
      });
      const text = await response.body.text();
      expect(response.status, `metrics of ${instance.id}`).toBe(200);
      for (const line of text.split('\n')) {
        if (
          !line.startsWith('apiserver_longrunning_requests{') ||
          !line.includes('verb="WATCH"') ||
          !line.includes('scope="namespace"')
        )
          continue;
        const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
        counts[resource] = (counts[resource] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }

  it('watches every source once, with fresh clients, and sees full HA again', async () => {
    await h.until('steady state, first start', steady, 60_000);
    const watchesAfterFirst = await untilStable();
    // hawk's own: leader and identity leases, the control-plane pods, the kubernetes EndpointSlice.
    expect(watchesAfterFirst.leases).toBeGreaterThanOrEqual(2);
    expect(watchesAfterFirst.pods).toBeGreaterThanOrEqual(1);
    expect(watchesAfterFirst.endpointslices).toBeGreaterThanOrEqual(1);
    const sources = h.hub
      .sourceStats()
      .map((stats) => stats.source)
      .sort();
    expect(sources).toEqual([...new Set(sources)]);
    expect(sources).toEqual(
      expect.arrayContaining(['endpointslice', 'identity-leases', 'lease-candidates', 'leases', 'nodes', 'pods']),
    );

    for (let round = 0; round < 2; round++) {
      await h.hub.stop();
      await h.hub.start();
      await h.until(`steady state after restart ${round + 1}`, steady, 60_000);
    }
    const state = h.state();
    expect(state.verdict).toBe('ha-ok');
    expect(state.etcd.quorum).toMatchObject({ voters: 3, healthy: 3, hasQuorum: true });
    expect(state.apiServers.serving).toBe(3);
    // The counters are the new runtime's: one per source, none left from the stopped ones.
    expect(
      h.hub
        .sourceStats()
        .map((stats) => stats.source)
        .sort(),
    ).toEqual(sources);
    // On the apiservers: as many watches as after the first start, so the stopped ones were closed.
    expect(await untilStable(watchesAfterFirst)).toEqual(watchesAfterFirst);
  });

  /** Polls the open watches until two reads a second apart agree (and equal `expected` when given), with a deadline. */
  async function untilStable(expected?: Record<string, number>): Promise<Record<string, number>> {
    const deadline = Date.now() + 30_000;
    let previous = await openWatches();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const current = await openWatches();
      const same = JSON.stringify(current) === JSON.stringify(previous);
      if (same && (expected === undefined || JSON.stringify(current) === JSON.stringify(expected))) return current;
      if (Date.now() > deadline) return current;
      previous = current;
    }
  }
});

// Issue 28's incidents across a restart: a finding the stored timeline left open, cleared while no hawk judged, is
// resolved once the new hub has judged the whole lab for the settle period (shortened here from 5 min); one that is
// open again in the new judgement is the judgement's own and is never resolved from what was carried.
describe('a hub started over a stored timeline that left findings open', () => {
  const SETTLE_MS = 5_000;
  let h: LabHub;
  beforeAll(async () => {
    const lab = await ensureLab();
    await lab.fault.heal();
    h = await startLabHub({ lab, carriedSettleMs: SETTLE_MS });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('resolves the one that cleared after the settle period, once, and leaves the one still open alone', async () => {
    await h.until('the lab judged whole, with a finding open', (s) => judgesWholeCluster(s) && s.findings.length > 0);
    const stillOpen = h.state().findings[0]!;
    const cleared = { id: 'LeaderElectionLeaderLost/kube-system/kube-scheduler', title: 'lost before this start' };
    const resolvesOf = (id: string) =>
      h.timeline.filter(
        (event): event is Extract<TimelineEvent, { kind: 'finding-resolved' }> =>
          event.kind === 'finding-resolved' && event.findingId === id,
      );
    const carriedAt = Date.now();
    h.hub.carryOver(h.clusterId, [cleared, stillOpen]);
    const deadline = carriedAt + SETTLE_MS + 15_000;
    while (resolvesOf(cleared.id).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const [resolve] = resolvesOf(cleared.id);
    expect(resolve, `no resolve of the carried finding within ${deadline - carriedAt} ms`).toBeDefined();
    console.log(`[carried] resolved ${resolve!.at - carriedAt} ms after it was carried over (settle ${SETTLE_MS} ms)`);
    expect(resolve!.at - carriedAt).toBeGreaterThanOrEqual(SETTLE_MS);
    // Judgements go on every second: still one resolve, and none of the finding open in them.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(resolvesOf(cleared.id)).toHaveLength(1);
    expect(resolvesOf(stillOpen.id)).toEqual([]);
    expect(h.state().findings.map((finding) => finding.id)).toContain(stillOpen.id);
  });
});
