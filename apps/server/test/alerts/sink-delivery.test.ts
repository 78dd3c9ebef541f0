import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Finding, TimelineEvent } from '@hawk/core';
import {
  clusterPageLink,
  createAlertDispatcher,
  createAlertmanagerSink,
  createWebhookSink,
  formatWebhookText,
  runbookUrl,
  WEBHOOK_TEXT_LIMIT,
  type AlertNotice,
} from '../../src/alerts';

/** A loopback receiver answering every POST with `status`, recording what it was sent. */
interface Receiver {
  url: string;
  status: number;
  requests: { path: string; body: unknown }[];
  server: Server;
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', status: 200, requests: [], server: createServer() };
  receiver.server.on('request', async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    receiver.requests.push({ path: request.url ?? '', body: JSON.parse(raw) });
    response.writeHead(receiver.status).end(receiver.status >= 400 ? 'refused' : '');
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
  return receiver;
}

function finding(id: string, overrides: Partial<Finding> = {}): Finding {
  return {
    id,
    ruleId: 'EtcdQuorumLost',
    severity: 'critical',
    kind: 'current',
    component: 'etcd',
    subject: null,
    title: `etcd quorum lost (${id})`,
    evidence: { healthy: 1, voters: 3 },
    since: 1_700_000_000_000,
    remediation: 'Restart the stopped members.',
    commands: [],
    causedBy: null,
    ...overrides,
  };
}

function drivenHub() {
  const listeners = new Set<(event: TimelineEvent) => void>();
  return {
    onTimeline(listener: (event: TimelineEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: TimelineEvent) {
      for (const listener of listeners) listener(event);
    },
  };
}

const opened = (f: Finding): TimelineEvent => ({ kind: 'finding-opened', clusterId: 'lab', at: 1, finding: f });
const notice = (f: Finding, clusterName = 'lab'): AlertNotice => ({
  clusterId: 'lab',
  clusterName,
  state: 'firing',
  finding: f,
  resolvedAt: null,
});
const linkFor = (n: AlertNotice) => `https://hawk.example.internal/clusters/${encodeURIComponent(n.clusterId)}`;

describe('alert sinks say whether a failure is worth retrying', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));

  for (const [status, retried] of [
    [400, false],
    [404, false],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
  ] as const) {
    it(`${status}: ${retried ? 'kept and retried' : 'dropped, never re-sent'}`, async () => {
      const hub = drivenHub();
      const dispatcher = createAlertDispatcher({
        hub,
        sinks: [createAlertmanagerSink({ url: receiver.url }), createWebhookSink({ url: `${receiver.url}/hook` })],
        repeatFiringMs: 0,
      });
      receiver.status = status;
      hub.emit(opened(finding('q')));
      await dispatcher.flush();
      await dispatcher.flush();
      await dispatcher.flush();
      dispatcher.stop();
      // The first attempt rides the event; each of the 3 flushes after it retries only what is worth retrying.
      expect(receiver.requests.filter((r) => r.path === '/api/v2/alerts')).toHaveLength(retried ? 4 : 1);
      expect(receiver.requests.filter((r) => r.path === '/hook')).toHaveLength(retried ? 4 : 1);
      expect(dispatcher.stats()).toMatchObject(
        retried ? { queued: 2, dropped: 0, sent: 0 } : { queued: 0, dropped: 2, sent: 0 },
      );
    });
  }

  it('holds one notice per finding while the receiver fails, however often firing alerts repeat', async () => {
    const hub = drivenHub();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createAlertmanagerSink({ url: receiver.url })],
      repeatFiringMs: 20,
      windowMs: 1_000,
      maxSendsPerWindow: 1_000,
    });
    receiver.status = 503;
    for (const id of ['a', 'b', 'c']) hub.emit(opened(finding(id)));
    const queued: number[] = [];
    for (let period = 0; period < 10; period += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await dispatcher.flush();
      queued.push(dispatcher.stats().queued);
    }
    expect(queued).toEqual(Array(10).fill(3));
    receiver.status = 200;
    receiver.requests.length = 0;
    await dispatcher.flush();
    dispatcher.stop();
    const names = (receiver.requests[0]!.body as { labels: { finding_id: string } }[]).map((a) => a.labels.finding_id);
    expect(names).toEqual(['a', 'b', 'c']);
    expect(dispatcher.stats()).toMatchObject({ queued: 0, dropped: 0, sent: 3 });
  });

  it('caps a sink at maxQueuedPerSink, dropping the oldest and counting them', async () => {
    const hub = drivenHub();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createAlertmanagerSink({ url: receiver.url })],
      repeatFiringMs: 0,
      maxQueuedPerSink: 2,
      maxSendsPerWindow: 0,
    });
    for (const id of ['a', 'b', 'c', 'd']) hub.emit(opened(finding(id)));
    await dispatcher.flush();
    dispatcher.stop();
    expect(dispatcher.stats()).toMatchObject({ queued: 2, dropped: 2 });
  });

  it('sends HawkSourceStale under its own name, with its runbook and a link back to the cluster', async () => {
    const sink = createAlertmanagerSink({ url: receiver.url, linkFor });
    await sink.send([
      notice(finding('stale', { ruleId: 'HawkSourceStale', severity: 'warning', component: 'hawk' })),
      notice(finding('q')),
    ]);
    const [stale, quorum] = receiver.requests[0]!.body as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      generatorURL: string;
    }[];
    expect(stale!.labels.alertname).toBe('HawkSourceStale');
    expect(stale!.annotations.runbook_url).toBe(
      'https://github.com/hawk/hawk/blob/main/docs/runbooks/HawkSourceStale.md',
    );
    expect(stale!.generatorURL).toBe('https://hawk.example.internal/clusters/lab');
    expect(quorum!.labels.alertname).toBe('HawkEtcdQuorumLost');
    expect(quorum!.annotations.runbook_url).toBe(runbookUrl('HawkEtcdQuorumLost'));
  });
});

describe('links', () => {
  it("open the cluster's page of the web under HAWK_PUBLIC_URL, its id escaped", () => {
    expect(clusterPageLink('https://hawk.example.internal/')({ clusterId: 'kind-a b' })).toBe(
      'https://hawk.example.internal/clusters/kind-a%20b',
    );
  });
});

describe('webhook text', () => {
  it('escapes what Slack would read as markup or a mention, and links the cluster page', () => {
    const text = formatWebhookText(
      [
        notice(
          finding('x', {
            title: 'holder <!channel> & <@U123> > everyone',
            evidence: { holder: '<!here>' },
            remediation: 'See <https://evil.example|this>',
          }),
          'prod <eu> & co',
        ),
      ],
      (n) => `https://hawk.example.internal/clusters/${n.clusterId}?a=1&b=2|x>`,
    );
    expect(text).toContain('[prod &lt;eu&gt; &amp; co] holder &lt;!channel&gt; &amp; &lt;@U123&gt; &gt; everyone');
    expect(text).toContain('(holder=&lt;!here&gt;)');
    expect(text).toContain('See &lt;https://evil.example|this&gt;');
    expect(text).toContain('<https://hawk.example.internal/clusters/lab?a=1&amp;b=2%7Cx%3E|open in hawk>');
    // Only hawk's own link is markup: no raw mention or link survives from the cluster's words.
    expect(text.match(/<[^>]*>/g)).toEqual([
      '<https://hawk.example.internal/clusters/lab?a=1&amp;b=2%7Cx%3E|open in hawk>',
    ]);
  });

  it('stays under the size limit, whole lines, and says how many were left out', () => {
    const many = Array.from({ length: 200 }, (_, index) =>
      notice(finding(`f${index}`, { title: `finding ${index} ${'x'.repeat(1_000)}` })),
    );
    const text = formatWebhookText(many, linkFor);
    expect(text.length).toBeLessThanOrEqual(WEBHOOK_TEXT_LIMIT);
    const lines = text.split('\n');
    const shown = lines.filter((line) => line.includes('CRITICAL [lab]')).length;
    expect(shown).toBeGreaterThan(0);
    expect(lines.at(-1)).toBe(`… and ${200 - shown} more; open hawk for the full list.`);
    // A title of 1 000 characters is cut to the field limit, with an ellipsis.
    expect(lines[0]!.length).toBeLessThan(1_000);
    expect(lines[0]).toContain('x…');
  });
});
