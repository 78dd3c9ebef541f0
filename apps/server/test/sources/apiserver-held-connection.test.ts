import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterState, TimelineEvent } from '@hawk/core';
import { ensureLab, type Lab } from '@hawk/lab';
import { loadEnv } from '../../src/env';
import { createClusterHub, type SourcesHub } from '../../src/hub/index';

const INTERVAL_MS = 1000;
const TIMEOUT_MS = 1500;
/**
 * Before the held connections a frozen instance was flagged when its next /readyz timed out: at worst one interval plus
 * the timeout.
 */
const OLD_WORST_CASE_MS = INTERVAL_MS + TIMEOUT_MS;
/** The test reads the state every 50 ms and the hub coalesces changes for 50 ms. */
const READ_SLACK_MS = 250;
const FROZEN = '10.213.0.13:6443';

/**
 * Issue 14: hawk asks each apiserver's /readyz less often while a held HTTP/2 connection to it
 * answers PINGs, and that must not make a frozen instance (SIGSTOP: its TCP socket still accepted by
 * the kernel) any slower to flag than when every address was asked every interval.
 */
describe('apiserver probes over held connections', () => {
  let lab: Lab;
  let hub: SourcesHub;
  let clusterId: string;
  const timeline: TimelineEvent[] = [];
  const state = (): ClusterState => hub.get(clusterId)!;
  const until = async (
    description: string,
    predicate: (s: ClusterState) => boolean,
    timeoutMs: number,
  ): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (predicate(state())) return Date.now();
      if (Date.now() > deadline)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${description}; findings: ${
            state()
              .findings.map((f) => f.id)
              .join(', ') || 'none'
          }`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** Every distinct /readyz answer time per address over `ms`, read from the published state. */
  const probesDuring = async (ms: number): Promise<Map<string, Set<number>>> => {
    const seen = new Map<string, Set<number>>();
    const note = (id: string, at: number | undefined) =>
      at !== undefined && (seen.get(id) ?? seen.set(id, new Set()).get(id)!).add(at);
    const first = state();
    const before = new Map([
      ...first.apiServers.instances.map((i) => [i.id, i.health.readyz?.at] as const),
      ['front door', first.apiServers.frontDoor.health.readyz?.at] as const,
    ]);
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const s = state();
      for (const instance of s.apiServers.instances)
        if (instance.health.readyz?.at !== before.get(instance.id)) note(instance.id, instance.health.readyz?.at);
      if (s.apiServers.frontDoor.health.readyz?.at !== before.get('front door'))
        note('front door', s.apiServers.frontDoor.health.readyz?.at);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return seen;
  };
  const total = (probes: Map<string, Set<number>>) => [...probes.values()].reduce((sum, times) => sum + times.size, 0);

  beforeAll(async () => {
    lab = await ensureLab();
    await lab.fault.heal();
    hub = createClusterHub({
      env: loadEnv({ ...lab.env(), HAWK_CONFIG: '', HAWK_CONTEXTS: '' }),
      probeIntervalMs: INTERVAL_MS,
      probeTimeoutMs: TIMEOUT_MS,
    });
    hub.onTimeline((event) => timeline.push(event));
    await hub.start();
    clusterId = hub.list()[0]!.identity.id;
    await until(
      '3/3 serving, LB up',
      (s) => s.apiServers.serving === 3 && s.apiServers.frontDoor.health.readyz?.ok === true,
      60_000,
    );
  });

  afterAll(async () => {
    await lab?.fault.heal();
    await hub?.stop();
  });

  it('steady state is calm, and a frozen apiserver is flagged within the old deadline; then calm again', async () => {
    // Calm: one address per interval (4 addresses: the LB and 3 instances), instead of all 4 each interval.
    const calmWindowMs = 12_000;
    const calm = await probesDuring(calmWindowMs);
    const perSecond = total(calm) / (calmWindowMs / 1000);
    console.log(
      `[held connections] steady state: ${total(calm)} /readyz answers in ${calmWindowMs / 1000} s ` +
        `(${perSecond.toFixed(2)}/s; every address every interval would be 4/s): ` +
        `${JSON.stringify([...calm].map(([id, times]) => [id, times.size]))}`,
    );
    expect(perSecond).toBeLessThanOrEqual(1.5);
    expect(calm.size, 'every address is still asked now and then').toBe(4);

    const faultAt = Date.now();
    const flagged = until(
      `${FROZEN} not ready`,
      (s) => s.apiServers.instances.find((i) => i.id === FROZEN)?.health.readyz?.ok === false,
      30_000,
    );
    await lab.fault.freeze('kube-apiserver', 3);
    const flaggedAt = await flagged;
    const latency = flaggedAt - faultAt;
    const readyz = state().apiServers.instances.find((i) => i.id === FROZEN)!.health.readyz!;
    console.log(
      `[held connections] apiserver 3 frozen → instance red in ${latency} ms (old worst case ` +
        `${OLD_WORST_CASE_MS} ms): ${readyz.error}`,
    );
    expect(latency).toBeLessThanOrEqual(OLD_WORST_CASE_MS + READ_SLACK_MS);
    expect(readyz.httpStatus).toBeNull();
    await until('2/3 serving', (s) => s.apiServers.serving === 2, 10_000);
    expect(timeline.some((e) => e.kind === 'probe-failed' && e.target.includes(FROZEN) && e.at >= faultAt)).toBe(true);

    // While something is amiss every address is asked every interval again.
    const fast = await probesDuring(5000);
    console.log(`[held connections] while frozen: ${JSON.stringify([...fast].map(([id, times]) => [id, times.size]))}`);
    for (const id of ['10.213.0.11:6443', '10.213.0.12:6443'])
      expect(fast.get(id)?.size ?? 0, id).toBeGreaterThanOrEqual(3);

    await lab.fault.heal();
    await until(
      '3/3 serving again',
      (s) => s.apiServers.serving === 3 && s.apiServers.frontDoor.health.readyz?.ok === true,
      60_000,
    );
    expect(timeline.some((e) => e.kind === 'probe-recovered' && e.target.includes(FROZEN) && e.at >= faultAt)).toBe(
      true,
    );
    // A few seconds for the thawed instance's connection to be held again, then calm.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const calmAgain = await probesDuring(8000);
    console.log(`[held connections] after thaw: ${total(calmAgain)} /readyz answers in 8 s`);
    expect(total(calmAgain) / 8).toBeLessThanOrEqual(1.5);
  });
});
