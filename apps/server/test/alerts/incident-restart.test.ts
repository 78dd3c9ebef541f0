/**
 * The replica that sends notifications restarts in the middle of an incident: the summary its resolve carries must
 * still start at what failed first, before the restart, and be the text /incidents/:n/summary derives from the stored
 * timeline (issue 28). Real histories (SQLite and PostgreSQL), real HTTP sinks to a loopback receiver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  findingsLeftOpen,
  formatDuration,
  incidentsOf,
  summarizeIncident,
  type Finding,
  type TimelineEvent,
} from '@hawk/core';
import { clusterState, killedLeaderTimeline, shiftedTimeline } from '@hawk/testkit/cluster-state';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { createAlertDispatcher, createAlertmanagerSink } from '../../src/alerts';
import { createApp } from '../../src/app';
import { SERVER_DEFAULTS } from '../../src/defaults';
import { loadEnv } from '../../src/env';
import type { HistoryRepository } from '../../src/history/history-repository';
import { timelineAtStart } from '../../src/history/timeline-at-start';
import { historyBackends, openHistory } from '../history/support/history-backends';

type AlertBody = { labels: Record<string, string>; annotations: Record<string, string>; endsAt?: string }[];

/** A real HTTP receiver on loopback: what Alertmanager was sent. */
async function startReceiver() {
  const alerts: AlertBody = [];
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    if (request.url === '/api/v2/alerts') alerts.push(...(JSON.parse(raw) as AlertBody));
    response.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const summaries = () => alerts.flatMap((alert) => alert.annotations.incident_summary ?? []);
  return { url, alerts, summaries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const EVENTS = killedLeaderTimeline();
const overdue = EVENTS.find((e) => e.kind === 'finding-opened' && e.finding.ruleId === 'LeaderElectionRenewOverdue')!;
const OVERDUE_TITLE = overdue.kind === 'finding-opened' ? overdue.finding.title : '';
/** The replica restarts after the leader went overdue, before it was lost. */
const RESTART = overdue.at + 4_000;
const BEFORE = EVENTS.filter((e) => e.at < RESTART);

/**
 * What the restarted replica observes: its hub judges from scratch, so its first judgement opens again every finding
 * still open (as the real ClusterRuntime does), then the rest of the incident.
 */
function afterRestart(firstJudgementAt: number): TimelineEvent[] {
  const open = new Map<string, Finding>();
  for (const event of BEFORE)
    if (event.kind === 'finding-opened') open.set(event.finding.id, event.finding);
    else if (event.kind === 'finding-resolved') open.delete(event.findingId);
  const reopened = [...open.values()].map((finding): TimelineEvent => ({
    kind: 'finding-opened',
    clusterId: 'lab',
    at: firstJudgementAt,
    finding,
  }));
  return [...reopened, ...EVENTS.filter((e) => e.at >= RESTART)];
}

/** Every event moved by `ms` (a transition carries its own time too). */

/** The ended incidents' summaries as the HTTP route derives them: the stored timeline, its window and limit. */
async function storedSummaries(history: HistoryRepository, to: number): Promise<string[]> {
  const stored = await history.timeline(
    'lab',
    to - SERVER_DEFAULTS.incidentWindowMs,
    to,
    SERVER_DEFAULTS.incidentEventsLimit,
  );
  return incidentsOf(stored)
    .filter((incident) => incident.endedAt !== null)
    .map((incident) => summarizeIncident(incident, 'lab'));
}

const hubOf = () => {
  const listeners = new Set<(event: TimelineEvent) => void>();
  return {
    onTimeline(listener: (event: TimelineEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event: TimelineEvent) => listeners.forEach((listener) => listener(event)),
  };
};

const warnings: string[] = [];
const log = { warn: (_fields: object, message: string) => void warnings.push(message) };

describe.each(historyBackends)('$name history: the notifying replica restarts mid-incident', (backend) => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const opened: HistoryRepository[] = [];
  beforeAll(() => backend.setUp(), 60_000);
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((history) => history.close()));
    await backend.tearDown();
  });
  beforeEach(async () => {
    receiver = await startReceiver();
    warnings.length = 0;
  });
  afterEach(() => receiver.close());

  /** A history holding what the replica stored before it restarted. */
  async function storedBeforeRestart(): Promise<HistoryRepository> {
    const history = await openHistory(await backend.newStore());
    opened.push(history);
    for (const event of BEFORE) await history.appendTimeline(event);
    return history;
  }

  /** The restarted replica's dispatcher, seeded from `history`; each live event reaches it and is stored. */
  function restartedDispatcher(history: HistoryRepository, read: Pick<HistoryRepository, 'timeline'> = history) {
    const hub = hubOf();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createAlertmanagerSink({ url: receiver.url })],
      repeatFiringMs: 0,
      maxSendsPerWindow: 1000,
      now: () => RESTART,
      storedTimeline: { atStart: timelineAtStart(read, RESTART), clusterIds: ['lab'] },
      log,
    });
    const live = async (event: TimelineEvent) => {
      hub.emit(event);
      await history.appendTimeline(event);
      await dispatcher.flush();
    };
    return { dispatcher, live };
  }

  it('the resolve carries the whole incident, the text derived from the stored timeline', async () => {
    const history = await storedBeforeRestart();
    const { dispatcher, live } = restartedDispatcher(history);
    await dispatcher.seeded;
    for (const event of afterRestart(RESTART + 1_000)) await live(event);
    dispatcher.stop();

    const stored = await storedSummaries(history, EVENTS[EVENTS.length - 1]!.at);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toContain(`## Incident ${overdue.at} on lab`);
    // The restart's opening again of what was open is not a reopen: the finding opened once.
    expect(stored[0]).not.toContain('times)');
    expect(receiver.summaries()).toEqual(stored);
    expect(warnings).toEqual([]);
  });

  it('a history slow to answer at start: live events meanwhile are folded once, after what it held', async () => {
    const history = await storedBeforeRestart();
    let answer!: () => void;
    const slow = new Promise<void>((resolve) => (answer = resolve));
    const read = {
      timeline: (...args: Parameters<HistoryRepository['timeline']>) => slow.then(() => history.timeline(...args)),
    };
    const { dispatcher, live } = restartedDispatcher(history, read);
    const rest = afterRestart(RESTART + 1_000);
    // All but the last resolve arrive (and are stored) before the history answers: the restart's openings, the
    // leader lost, the takeover (folded twice, it would be a second gap in the summary).
    const last = rest.length - 1;
    for (const event of rest.slice(0, last)) await live(event);
    expect(rest.slice(0, last).map((e) => e.kind)).toContain('leader-transition');
    answer();
    await dispatcher.seeded;
    await live(rest[last]!);
    dispatcher.stop();

    const stored = await storedSummaries(history, EVENTS[EVENTS.length - 1]!.at);
    expect(stored[0]).toContain(`## Incident ${overdue.at} on lab`);
    expect(receiver.summaries()).toEqual(stored);
  });
});

describe('a history that cannot be read at start', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
    warnings.length = 0;
  });
  afterEach(() => receiver.close());

  it.each([
    ['refuses', () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'))],
    ['never answers', () => new Promise<never>(() => {})],
  ])('%s: notifications go out, the summary starts at the restart and the log says so', async (_how, timeline) => {
    const hub = hubOf();
    const dispatcher = createAlertDispatcher({
      hub,
      sinks: [createAlertmanagerSink({ url: receiver.url })],
      repeatFiringMs: 0,
      maxSendsPerWindow: 1000,
      now: () => RESTART,
      storedTimeline: { atStart: timelineAtStart({ timeline }, RESTART), clusterIds: ['lab'] },
      log,
    });
    const rest = afterRestart(RESTART + 1_000);
    for (const event of rest) {
      hub.emit(event);
      await dispatcher.flush();
    }
    dispatcher.stop();

    expect(receiver.alerts.filter((alert) => alert.endsAt === undefined).map((a) => a.labels.alertname)).toEqual([
      'HawkLeaderElectionRenewOverdue',
      'HawkLeaderElectionLeaderLost',
    ]);
    // What this replica saw itself: the incident starts at its first judgement.
    expect(receiver.summaries()).toEqual([summarizeIncident(incidentsOf(rest)[0]!, 'lab')]);
    expect(receiver.summaries()[0]).toContain(`## Incident ${RESTART + 1_000} on lab`);
    expect(warnings.some((message) => /may start late/.test(message))).toBe(true);
  });
});

describe('the server restarted on its SQLite history mid-incident', () => {
  const TOKEN = 'a-long-enough-token-for-tests';
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hawk-incident-restart-'));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (db = 'history.db') => {
    const hub = createMemoryHub([clusterState('lab')]);
    const app = await createApp({
      env: loadEnv({
        HAWK_DB: join(dir, db),
        HAWK_LOG_LEVEL: 'silent',
        HAWK_TOKEN: TOKEN,
        HAWK_ALERTMANAGER_URL: receiver.url,
      }),
      hub,
    });
    await app.ready();
    return { app, hub };
  };

  it("the resolve's summary is /incidents/:n/summary's", async () => {
    // The leader went overdue a second ago; the rest comes after the restart, on hawk's own clock (its own stamps
    // are later than its start), however long the restart took.
    const before = Date.now() - 1_000 - overdue.at;
    const first = await start();
    for (const event of shiftedTimeline(BEFORE, before)) first.hub.emitTimeline(event);
    await first.app.close();

    const second = await start();
    const after = Math.max(before, Date.now() + 1_000 - RESTART);
    const rest = shiftedTimeline(afterRestart(RESTART + 1_000), after);
    for (const event of rest) second.hub.emitTimeline(event);
    const deadline = Date.now() + 10_000;
    while (receiver.summaries().length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const n = overdue.at + before;
    const response = await second.app.inject({
      url: `/api/clusters/lab/incidents/${n}/summary?to=${rest[rest.length - 1]!.at}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    await second.app.close();

    expect(response.statusCode).toBe(200);
    expect(receiver.summaries()).toEqual([response.body]);
  });

  it('the incident ended while no server ran: the hub gets what was left open, and its resolve ends the incident', async () => {
    const before = Date.now() - 1_000 - overdue.at;
    const stored = shiftedTimeline(BEFORE, before);
    const first = await start('ended-while-down.db');
    for (const event of stored) first.hub.emitTimeline(event);
    await first.app.close();

    const second = await start('ended-while-down.db');
    const deadline = Date.now() + 10_000;
    while (!second.hub.carriedOver.has('lab') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const carried = second.hub.carriedOver.get('lab') ?? [];
    expect(carried).toEqual(findingsLeftOpen(stored));
    expect(carried.map((finding) => finding.title)).toContain(OVERDUE_TITLE);

    // The hub's part (core's settleCarried, proven on the lab): none of them open again, so each is resolved.
    const resolvedAt = Date.now();
    const summariesBefore = receiver.summaries().length;
    for (const { id, title } of carried)
      second.hub.emitTimeline({ kind: 'finding-resolved', clusterId: 'lab', at: resolvedAt, findingId: id, title });
    while (receiver.summaries().length === summariesBefore && Date.now() < deadline + 10_000)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const n = overdue.at + before;
    const response = await second.app.inject({
      url: `/api/clusters/lab/incidents/${n}/summary?to=${resolvedAt}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    await second.app.close();

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`full recovery ${formatDuration(resolvedAt - n)} after it opened`);
    expect(receiver.summaries().at(-1)).toBe(response.body);
  });
});
