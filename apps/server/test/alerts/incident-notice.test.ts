import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentsOf, summarizeIncident, type TimelineEvent } from '@hawk/core';
import { killedLeaderTimeline } from '@hawk/testkit/cluster-state';
import { createAlertDispatcher, createAlertmanagerSink, createWebhookSink } from '../../src/alerts';
import { SUMMARY_ANNOTATION_LIMIT } from '../../src/alerts/alertmanager-sink';
import { formatWebhookText, WEBHOOK_TEXT_LIMIT } from '../../src/alerts/webhook-sink';

/** A real HTTP receiver on loopback that records the JSON bodies it was sent. */
async function startReceiver() {
  const requests: { path: string; body: unknown }[] = [];
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    requests.push({ path: request.url ?? '', body: JSON.parse(raw) });
    response.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

function hubOf() {
  const listeners = new Set<(event: TimelineEvent) => void>();
  return {
    onTimeline(listener: (event: TimelineEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event: TimelineEvent) => listeners.forEach((listener) => listener(event)),
  };
}

type AlertBody = { labels: Record<string, string>; annotations: Record<string, string>; endsAt?: string }[];

describe('the resolve that ends an incident carries its summary', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));

  it('in the Alertmanager annotation and the webhook text, on the last resolve only', async () => {
    const events = killedLeaderTimeline();
    const hub = hubOf();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createAlertmanagerSink({ url: receiver.url }), createWebhookSink({ url: `${receiver.url}/hook` })],
      repeatFiringMs: 0,
      maxSendsPerWindow: 1000,
    });
    for (const event of events) {
      hub.emit(event);
      await dispatcher.flush();
    }
    dispatcher.stop();
    const summary = summarizeIncident(incidentsOf(events)[0]!, 'lab');

    const alerts = receiver.requests.filter((r) => r.path === '/api/v2/alerts').flatMap((r) => r.body as AlertBody);
    const resolves = alerts.filter((alert) => alert.endsAt !== undefined);
    expect(resolves.map((a) => [a.labels.alertname, a.annotations.incident_summary !== undefined])).toEqual([
      ['HawkLeaderElectionRenewOverdue', false],
      ['HawkLeaderElectionLeaderLost', true],
    ]);
    expect(resolves[1]!.annotations.incident_summary).toBe(summary);
    expect(alerts.filter((a) => a.endsAt === undefined).every((a) => !a.annotations.incident_summary)).toBe(true);

    const texts = receiver.requests.filter((r) => r.path === '/hook').map((r) => (r.body as { text: string }).text);
    const last = texts[texts.length - 1]!;
    expect(last).toMatch(/^:white_check_mark: RESOLVED \[lab\] kube-controller-manager leader lost/);
    expect(last).toContain('```\n## Incident ');
    expect(last).toContain('leaderless 18.0 s');
    expect(texts.slice(0, -1).every((text) => !text.includes('## Incident'))).toBe(true);
  });

  it('is bounded and Slack-escaped in the webhook, bounded in the annotation', async () => {
    const [incident] = incidentsOf(killedLeaderTimeline());
    // A hostile cluster name and a summary far past the limits.
    const long = summarizeIncident(incident!, '<!channel> & co') + '- padding line\n'.repeat(2_000);
    const notice = {
      clusterId: 'lab',
      clusterName: 'lab',
      state: 'resolved' as const,
      finding: {
        id: 'x',
        ruleId: 'LeaderElectionLeaderLost',
        severity: 'critical' as const,
        kind: 'current' as const,
        component: 'kube-controller-manager' as const,
        subject: null,
        title: 'leader lost',
        evidence: {},
        since: 1,
        remediation: '',
        commands: [],
        causedBy: null,
      },
      resolvedAt: 2,
      incidentSummary: long,
    };
    const text = formatWebhookText([notice]);
    expect(text.length).toBeLessThanOrEqual(WEBHOOK_TEXT_LIMIT);
    expect(text).toContain('… (cut: the full summary is in hawk)');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel\\&gt; &amp; co');

    await createAlertmanagerSink({ url: receiver.url }).send([notice]);
    const [sent] = receiver.requests[0]!.body as AlertBody;
    expect(sent!.annotations.incident_summary!.length).toBeLessThanOrEqual(SUMMARY_ANNOTATION_LIMIT);
    expect(sent!.annotations.incident_summary).toMatch(/- padding line\n… \(cut: the full summary is in hawk\)$/);
  });
});
