import { afterEach, describe, expect, it } from 'vitest';
import type { Finding, TimelineEvent } from '@hawk/core';
import { createAlertDispatcher, createAlertmanagerSink } from '../../src/alerts';
import { startAlertmanager, startReceiver, type Receiver, type RunningAlertmanager } from './support/alertmanager';

const REPEAT_MS = 300;

function finding(id: string): Finding {
  return {
    id,
    ruleId: 'EtcdQuorumLost',
    severity: 'critical',
    kind: 'current',
    component: 'etcd',
    subject: null,
    title: `etcd quorum lost (${id})`,
    evidence: {},
    since: Date.now(),
    remediation: 'Restart the stopped members.',
    commands: [],
    causedBy: null,
  };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The alerts of every notification Alertmanager sent its webhook receiver, by finding id. */
const notified = (receiver: Receiver) =>
  receiver.requests.flatMap((request) =>
    (request.body as { alerts: { labels: { finding_id: string }; status: string }[] }).alerts.map(
      (alert) => `${alert.labels.finding_id}:${alert.status}`,
    ),
  );

describe('hawk against a real Alertmanager that goes away for 10 repeat periods', () => {
  let receiver: Receiver | undefined;
  let alertmanager: RunningAlertmanager | undefined;
  afterEach(async () => {
    await alertmanager?.stop();
    await receiver?.close();
  });

  it('holds one notice per alert meanwhile (flat queue) and, when it returns, pages once per alert', async () => {
    receiver = await startReceiver();
    alertmanager = await startAlertmanager(`${receiver.url}/notify`);
    const { port } = alertmanager;
    const listeners = new Set<(event: TimelineEvent) => void>();
    const dispatcher = createAlertDispatcher({
      hub: { onTimeline: (listener) => (listeners.add(listener), () => listeners.delete(listener)) },
      sinks: [createAlertmanagerSink({ url: alertmanager.url, timeoutMs: 1_000 })],
      repeatFiringMs: REPEAT_MS,
      windowMs: REPEAT_MS,
      maxSendsPerWindow: 5,
    });
    try {
      await alertmanager.stop();
      for (const id of ['a', 'b', 'c'])
        for (const listener of listeners)
          listener({ kind: 'finding-opened', clusterId: 'lab', at: Date.now(), finding: finding(id) });

      const queued: number[] = [];
      const failedBefore = dispatcher.stats().failed;
      for (let period = 0; period < 10; period += 1) {
        await new Promise((resolve) => setTimeout(resolve, REPEAT_MS));
        queued.push(dispatcher.stats().queued);
      }
      // Re-sent every period and refused every time, yet held once per alert: the queue does not grow.
      expect(queued).toEqual(Array(10).fill(3));
      expect(dispatcher.stats().failed - failedBefore).toBeGreaterThanOrEqual(3 * 5);
      expect(dispatcher.stats()).toMatchObject({ sent: 0, dropped: 0, active: 3 });

      alertmanager = await startAlertmanager(`${receiver.url}/notify`, port);
      await until('Alertmanager notified a, b and c', () => notified(receiver!).length >= 3, 20_000);
      expect(dispatcher.stats().queued).toBe(0);
      // Ten more repeat periods of hawk re-sending what fires: Alertmanager keeps the alerts, pages nobody again.
      await new Promise((resolve) => setTimeout(resolve, 10 * REPEAT_MS));
      expect(notified(receiver).sort()).toEqual(['a:firing', 'b:firing', 'c:firing']);
      expect((await alertmanager.alerts()).map((alert) => alert.labels.finding_id).sort()).toEqual(['a', 'b', 'c']);
    } finally {
      dispatcher.stop();
    }
  }, 60_000);
});
