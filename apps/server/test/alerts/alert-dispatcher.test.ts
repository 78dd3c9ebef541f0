import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterState, Finding, TimelineEvent } from '@hawk/core';
import { createAlertDispatcher, createAlertmanagerSink, createWebhookSink } from '../../src/alerts';

/** A real HTTP receiver on loopback that records what it was sent and answers with a chosen status. */
interface Receiver {
  url: string;
  requests: { path: string; body: unknown }[];
  status: number;
  server: Server;
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', requests: [], status: 200, server: createServer() };
  receiver.server.on('request', async (request: IncomingMessage, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    receiver.requests.push({ path: request.url ?? '', body: JSON.parse(raw) });
    response.writeHead(receiver.status).end();
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
  return receiver;
}

function finding(id: string, severity: Finding['severity'] = 'critical'): Finding {
  return {
    id,
    ruleId: 'LeaderLeaseExpired',
    severity,
    kind: 'current',
    component: 'kube-controller-manager',
    subject: 'kube-system/kube-controller-manager',
    title: `leader lost (${id})`,
    evidence: { holder: 'cp-1_abc', secondsSinceRenewal: 17 },
    since: 1_700_000_000_000,
    remediation: 'Check the holder process on its node.',
    commands: ['kubectl -n kube-system get lease kube-controller-manager -o yaml'],
    causedBy: null,
  };
}

/** A hub whose findings the test emits; `names` are the clusters' names as their states carry them. */
function drivenHub(names: Record<string, string> = {}) {
  const listeners = new Set<(event: TimelineEvent) => void>();
  return {
    get: (clusterId: string) =>
      clusterId in names ? ({ identity: { name: names[clusterId] } } as ClusterState) : undefined,
    onTimeline(listener: (event: TimelineEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: TimelineEvent) {
      for (const listener of listeners) listener(event);
    },
  };
}

const opened = (f: Finding, at = 1): TimelineEvent => ({ kind: 'finding-opened', clusterId: 'lab', at, finding: f });
const resolved = (f: Finding, at = 2): TimelineEvent => ({
  kind: 'finding-resolved',
  clusterId: 'lab',
  at,
  findingId: f.id,
  title: f.title,
});

describe('alert dispatcher against a local HTTP receiver', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));

  it('sends a firing alert to Alertmanager v2 and the webhook, then the resolve', async () => {
    const hub = drivenHub();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [
        createAlertmanagerSink({ url: `${receiver.url}/am/` }),
        createWebhookSink({ url: `${receiver.url}/hook` }),
      ],
      repeatFiringMs: 0,
    });
    const lost = finding('lease-expired:kcm');
    hub.emit(opened(lost));
    await dispatcher.flush();
    hub.emit(resolved(lost, 1_700_000_030_000));
    await dispatcher.flush();
    dispatcher.stop();

    const alertmanager = receiver.requests.filter((request) => request.path === '/api/v2/alerts');
    expect(alertmanager).toHaveLength(2);
    const [firingAlert] = alertmanager[0]!.body as Record<string, unknown>[];
    expect(firingAlert).toMatchObject({
      labels: {
        alertname: 'HawkLeaderLeaseExpired',
        severity: 'critical',
        cluster: 'lab',
        finding_id: 'lease-expired:kcm',
      },
      annotations: { summary: 'leader lost (lease-expired:kcm)' },
      startsAt: new Date(1_700_000_000_000).toISOString(),
    });
    expect(firingAlert).not.toHaveProperty('endsAt');
    expect((alertmanager[1]!.body as Record<string, unknown>[])[0]).toMatchObject({
      endsAt: new Date(1_700_000_030_000).toISOString(),
    });

    const webhook = receiver.requests
      .filter((request) => request.path === '/hook')
      .map((request) => (request.body as { text: string }).text);
    expect(webhook[0]).toContain(
      'CRITICAL [lab] leader lost (lease-expired:kcm) (holder=cp-1_abc, secondsSinceRenewal=17)',
    );
    expect(webhook[1]).toContain('RESOLVED [lab] leader lost');
  });

  it('labels an expected finding (an early warning) kind="expected", so a route can keep it from paging', async () => {
    const hub = drivenHub();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createAlertmanagerSink({ url: `${receiver.url}/am/` })],
      repeatFiringMs: 0,
    });
    hub.emit(opened({ ...finding('margin:kcm', 'warning'), ruleId: 'LeaderElectionMarginLow', kind: 'expected' }));
    await dispatcher.flush();
    dispatcher.stop();
    const [alert] = receiver.requests.find((request) => request.path === '/api/v2/alerts')!.body as {
      labels: Record<string, string>;
    }[];
    expect(alert!.labels).toMatchObject({
      alertname: 'HawkLeaderElectionMarginLow',
      severity: 'warning',
      kind: 'expected',
    });
  });

  it("labels alerts with the cluster's name as it was when the finding opened, and resolves under the same labels", async () => {
    const names: Record<string, string> = { lab: 'prod-eu (Frankfurt)' };
    const hub = drivenHub(names);
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [
        createAlertmanagerSink({ url: `${receiver.url}/am/` }),
        createWebhookSink({ url: `${receiver.url}/hook` }),
      ],
      repeatFiringMs: 0,
    });
    const lost = finding('lease-expired:kcm');
    hub.emit(opened(lost));
    await dispatcher.flush();
    // Renamed meanwhile (kubeadm's clusterName read): Alertmanager must still match the resolve to the alert.
    names.lab = 'hawk-lab';
    hub.emit(resolved(lost, 1_700_000_030_000));
    await dispatcher.flush();
    dispatcher.stop();

    const sent = receiver.requests
      .filter((request) => request.path === '/api/v2/alerts')
      .map((request) => (request.body as { labels: Record<string, string> }[])[0]!.labels);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual({
      alertname: 'HawkLeaderLeaseExpired',
      severity: 'critical',
      cluster: 'lab',
      cluster_name: 'prod-eu (Frankfurt)',
      component: 'kube-controller-manager',
      finding_id: 'lease-expired:kcm',
    });
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[0]).not.toHaveProperty('kind'); // a current finding: the labels as they always were
    const webhook = receiver.requests
      .filter((request) => request.path === '/hook')
      .map((request) => (request.body as { text: string }).text);
    expect(webhook[0]).toContain('CRITICAL [prod-eu (Frankfurt)] leader lost');
    expect(webhook[1]).toContain('RESOLVED [prod-eu (Frankfurt)] leader lost');
  });

  it('deduplicates a finding already firing and drops severities below the threshold', async () => {
    const hub = drivenHub();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createWebhookSink({ url: `${receiver.url}/hook` })],
      repeatFiringMs: 0,
    });
    hub.emit(opened(finding('a')));
    hub.emit(opened(finding('a')));
    hub.emit(opened(finding('stacked', 'info')));
    await dispatcher.flush();
    dispatcher.stop();
    expect(receiver.requests).toHaveLength(1);
    expect(dispatcher.stats()).toMatchObject({ sent: 1, active: 1 });
  });

  it('rate-limits per window and sends the held notices together in the next window', async () => {
    let clock = 0;
    const hub = drivenHub();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createWebhookSink({ url: `${receiver.url}/hook` })],
      maxSendsPerWindow: 1,
      windowMs: 60_000,
      now: () => clock,
      repeatFiringMs: 0,
    });
    hub.emit(opened(finding('one')));
    await dispatcher.flush();
    hub.emit(opened(finding('two')));
    hub.emit(opened(finding('three')));
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(dispatcher.stats().queued).toBe(2);
    clock = 61_000;
    await dispatcher.flush();
    dispatcher.stop();
    expect(receiver.requests).toHaveLength(2);
    expect(
      (receiver.requests[1]!.body as { text: string }).text.split('\n').filter((line) => line.includes('[lab]')),
    ).toHaveLength(2);
  });

  it('keeps notices when the receiver fails and delivers them on retry', async () => {
    const hub = drivenHub();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createWebhookSink({ url: `${receiver.url}/hook` })],
      repeatFiringMs: 0,
    });
    receiver.status = 500;
    hub.emit(opened(finding('x')));
    await dispatcher.flush();
    expect(dispatcher.stats().queued).toBe(1);
    expect(dispatcher.stats().failed).toBeGreaterThan(0);
    receiver.status = 200;
    await dispatcher.flush();
    dispatcher.stop();
    expect(dispatcher.stats()).toMatchObject({ sent: 1, queued: 0 });
    // Two refused attempts, then the delivery: the notice was never dropped.
    expect(receiver.requests).toHaveLength(3);
  });

  it('a follower sends to Alertmanager (it deduplicates) but not to the webhook, and still tracks what fires', async () => {
    const hub = drivenHub();
    let leading = false;
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [
        createAlertmanagerSink({ url: `${receiver.url}/am/` }),
        createWebhookSink({ url: `${receiver.url}/hook` }),
      ],
      actsAlone: () => leading,
      repeatFiringMs: 0,
    });
    const lost = finding('y');
    hub.emit(opened(lost));
    await dispatcher.flush();
    expect(receiver.requests.map((request) => request.path)).toEqual(['/api/v2/alerts']);
    // Leadership moves here: the resolve of a finding opened while following reaches the webhook.
    leading = true;
    hub.emit(resolved(lost));
    await dispatcher.flush();
    dispatcher.stop();
    expect(receiver.requests.map((request) => request.path)).toEqual(['/api/v2/alerts', '/api/v2/alerts', '/hook']);
    expect((receiver.requests[2]!.body as { text: string }).text).toContain('RESOLVED [lab] leader lost (y)');
  });

  it('after taking over from a silent leader, re-sends only the findings it may have died before sending', async () => {
    const hub = drivenHub();
    let clock = 1_700_000_100_000;
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createWebhookSink({ url: `${receiver.url}/hook` })],
      actsAlone: () => false,
      now: () => clock,
      repeatFiringMs: 0,
    });
    hub.emit(opened({ ...finding('old'), since: clock - 60_000 }));
    hub.emit(opened({ ...finding('recent'), since: clock - 5_000 }));
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(0);
    dispatcher.tookOver('vacant', 15_000);
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(0);
    clock += 1_000;
    dispatcher.tookOver('expired', 15_000);
    await dispatcher.flush();
    dispatcher.stop();
    expect(receiver.requests).toHaveLength(1);
    const text = (receiver.requests[0]!.body as { text: string }).text;
    expect(text).toContain('leader lost (recent)');
    expect(text).not.toContain('leader lost (old)');
  });
});
