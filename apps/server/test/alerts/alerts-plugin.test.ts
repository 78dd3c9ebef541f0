/**
 * The alerts plugin as the server runs it, configured by environment only: pushed alerts link the cluster's page
 * under HAWK_PUBLIC_URL (Alertmanager's generatorURL, the webhook line's link) and their runbook under
 * HAWK_RUNBOOK_BASE_URL, and /metrics says which sinks are on (what the Prometheus rules read to step aside).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '@hawk/core';
import { clusterState } from '@hawk/testkit/cluster-state';
import { createMemoryHub, type MemoryHub } from '@hawk/testkit/memory-hub';
import { createApp } from '../../src/app';
import { loadEnv } from '../../src/env';

const TOKEN = 'a-long-enough-token-for-tests';

describe('the alerts plugin, configured by environment', () => {
  let app: FastifyInstance;
  let hub: MemoryHub;
  let receiver: Server;
  let dir: string;
  const received: { path: string; body: unknown }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hawk-alerts-plugin-'));
    receiver = createServer(async (request, response) => {
      let raw = '';
      for await (const chunk of request) raw += chunk;
      received.push({ path: request.url ?? '', body: JSON.parse(raw) });
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    hub = createMemoryHub([clusterState('lab')]);
    app = await createApp({
      env: loadEnv({
        HAWK_DB: join(dir, 'history.db'),
        HAWK_LOG_LEVEL: 'silent',
        HAWK_TOKEN: TOKEN,
        HAWK_ALERTMANAGER_URL: base,
        HAWK_WEBHOOK_URL: `${base}/hook`,
        HAWK_PUBLIC_URL: 'https://hawk.example.internal/',
        HAWK_RUNBOOK_BASE_URL: 'https://wiki.example.internal/hawk/runbooks/',
      }),
      hub,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("links the cluster's page and the runbook from both sinks", async () => {
    const lost: Finding = {
      id: 'etcd-quorum-lost:lab',
      ruleId: 'EtcdQuorumLost',
      severity: 'critical',
      kind: 'current',
      component: 'etcd',
      subject: null,
      title: 'etcd quorum lost: 1/3 members healthy, 2 needed',
      evidence: { healthy: 1, voters: 3 },
      since: Date.now(),
      remediation: 'Restart the stopped members.',
      commands: [],
      causedBy: null,
    };
    hub.emitTimeline({ kind: 'finding-opened', clusterId: 'lab', at: lost.since, finding: lost });
    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

    const alert = (received.find((request) => request.path === '/api/v2/alerts')?.body as Record<string, unknown>[])[0];
    expect(alert).toMatchObject({
      labels: { alertname: 'HawkEtcdQuorumLost', cluster: 'lab' },
      annotations: { runbook_url: 'https://wiki.example.internal/hawk/runbooks/HawkEtcdQuorumLost.md' },
      generatorURL: 'https://hawk.example.internal/clusters/lab',
    });
    const text = (received.find((request) => request.path === '/hook')?.body as { text: string }).text;
    expect(text).toContain('<https://hawk.example.internal/clusters/lab|open in hawk>');
  });

  it('exports which sinks are on', async () => {
    const metrics = await (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
    expect(metrics).toContain('hawk_alert_sink_enabled{sink="alertmanager"} 1');
    expect(metrics).toContain('hawk_alert_sink_enabled{sink="webhook"} 1');
    expect(metrics).toMatch(/^hawk_alert_notices_queued \d+$/m);
  });
});
