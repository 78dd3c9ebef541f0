import { afterEach, describe, expect, it } from 'vitest';
import { summarizeIncident, incidentsOf } from '@hawk/core';
import { aFullHaCluster, simulateHawk, timelineOf } from '@hawk/core/testing';
import { clusterState, killedLeaderTimeline } from '@hawk/testkit/cluster-state';
import { startHawkServer, type RunningHawk } from '@hawk/testkit/hawk-server';
import { createMemoryHub } from '@hawk/testkit/memory-hub';

const TOKEN = 'test-token-0123456789abcdef';
let hawk: RunningHawk | undefined;
afterEach(async () => {
  await hawk?.close();
  hawk = undefined;
});

interface IncidentsBody {
  incidents: { n: number; endedAt: number | null; title: string; summary: string | null }[];
  truncated: boolean;
}

describe('incidents over REST', () => {
  it('lists the incidents the stored timeline holds and serves each ended one as Markdown, behind the token', async () => {
    const events = killedLeaderTimeline();
    const hub = createMemoryHub([clusterState('lab')]);
    hawk = await startHawkServer(hub, { HAWK_TOKEN: TOKEN });
    for (const event of events) hub.emitTimeline(event);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const from = events[0]!.at;
    const window = `from=${from}&to=${events[events.length - 1]!.at}`;

    expect((await fetch(`${hawk.url}/api/clusters/lab/incidents?${window}`)).status).toBe(401);
    const listed = await fetch(`${hawk.url}/api/clusters/lab/incidents?${window}`, { headers: auth });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as IncidentsBody;
    const [expected] = incidentsOf(events);
    const name = clusterState('lab').identity.name;
    expect(body.truncated).toBe(false);
    expect(body.incidents).toHaveLength(1);
    expect(body.incidents[0]).toMatchObject({
      n: expected!.n,
      endedAt: expected!.endedAt,
      title: expected!.findings[0]!.title,
      summary: summarizeIncident(expected!, name),
    });

    const summary = await fetch(`${hawk.url}/api/clusters/lab/incidents/${expected!.n}/summary?${window}`, {
      headers: auth,
    });
    expect(summary.status).toBe(200);
    expect(summary.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(await summary.text()).toBe(summarizeIncident(expected!, name));
    const missing = await fetch(`${hawk.url}/api/clusters/lab/incidents/123/summary?${window}`, { headers: auth });
    expect(missing.status).toBe(404);
    expect((await fetch(`${hawk.url}/api/clusters/lab/incidents?from=${from}&to=1`, { headers: auth })).status).toBe(
      400,
    );
  });

  it('an incident still open has no summary yet (409)', async () => {
    const run = simulateHawk(aFullHaCluster()).advance(20_000);
    run.cluster.killLeaseHolder('kube-controller-manager');
    run.advance(5_000);
    const events = timelineOf(run, 'lab');
    const hub = createMemoryHub([clusterState('lab')]);
    hawk = await startHawkServer(hub);
    for (const event of events) hub.emitTimeline(event);
    const window = `from=${events[0]!.at}&to=${run.cluster.now}`;
    const body = (await (await fetch(`${hawk.url}/api/clusters/lab/incidents?${window}`)).json()) as IncidentsBody;
    expect(body.incidents.map((i) => [i.endedAt, i.summary])).toEqual([[null, null]]);
    const summary = await fetch(`${hawk.url}/api/clusters/lab/incidents/${body.incidents[0]!.n}/summary?${window}`);
    expect(summary.status).toBe(409);
  });
});
