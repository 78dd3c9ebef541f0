import { describe, expect, it } from 'vitest';
import { diffStates, type ClusterState } from '@hawk/core';
import { healthy } from '../test-support/cluster-fixture';
import { foldMessage, INITIAL_VIEW, LIVE_TIMELINE_KEPT, type HawkMessage, type HawkView } from './fold-message';

const { state: lab, now: NOW } = healthy();
const snapshot = (version: number, state: ClusterState = lab): HawkMessage => ({
  type: 'snapshot',
  at: NOW,
  message: { clusterId: 'lab', version, state },
});
const patch = (baseVersion: number, parts = { verdict: 'degraded' as const }): HawkMessage => ({
  type: 'patch',
  at: NOW + 1,
  message: { clusterId: 'lab', baseVersion, version: baseVersion + 1, parts },
});

const foldAll = (messages: readonly HawkMessage[], view: HawkView = INITIAL_VIEW) =>
  messages.reduce<{ view: HawkView; commands: unknown[] }>(
    (acc, message) => {
      const folded = foldMessage(acc.view, message);
      return { view: folded.view, commands: [...acc.commands, ...folded.commands] };
    },
    { view, commands: [] },
  );

describe('foldMessage', () => {
  it('takes a snapshot whole', () => {
    const { view, commands } = foldAll([{ type: 'connected', at: NOW - 5 }, snapshot(7)]);
    expect(view.clusters.lab?.version).toBe(7);
    expect(view.clusters.lab?.state.verdict).toBe('ha-ok');
    expect(view.connection).toMatchObject({ state: 'live', lastMessageAt: NOW });
    expect(commands).toEqual([]);
  });

  it('applies a patch cut from the version it holds', () => {
    const lease = { ...lab.leases[1]!, status: 'expired' as const };
    const { view, commands } = foldAll([snapshot(7), patch(7, { leases: [lease] } as never)]);
    expect(view.clusters.lab?.version).toBe(8);
    expect(view.clusters.lab?.state.leases).toEqual([lease]);
    expect(view.clusters.lab?.state.verdict).toBe('ha-ok');
    expect(commands).toEqual([]);
  });

  it("applies core's keyed patch: only the renewed lease travels, the others stay as held", () => {
    const renewed = { ...lab.leases[0]!, observedRenewAt: NOW + 1 };
    const next = { ...lab, leases: [renewed, ...lab.leases.slice(1)], observedAt: NOW + 1 };
    const parts = diffStates(lab, next);
    expect(parts.leases).toEqual({ upsert: [renewed], remove: [] });
    const { view } = foldAll([snapshot(7), patch(7, parts as never)]);
    expect(view.clusters.lab?.state).toEqual(next);
  });

  it('on a version gap keeps what it shows and asks for a resync', () => {
    const { view, commands } = foldAll([snapshot(7), patch(9)]);
    expect(view.clusters.lab?.version).toBe(7);
    expect(view.clusters.lab?.state.verdict).toBe('ha-ok');
    expect(commands).toEqual([{ kind: 'resync', clusterId: 'lab' }]);
  });

  it('asks for a resync when a patch arrives before any snapshot', () => {
    expect(foldAll([patch(3)]).commands).toEqual([{ kind: 'resync', clusterId: 'lab' }]);
  });

  it('ignores a patch it already has', () => {
    const { view, commands } = foldAll([snapshot(8), patch(7)]);
    expect(view.clusters.lab?.version).toBe(8);
    expect(commands).toEqual([]);
  });

  it('takes a snapshot after a backend restart even with a lower version', () => {
    const { view } = foldAll([snapshot(50), snapshot(1, { ...lab, verdict: 'spof' })]);
    expect(view.clusters.lab).toMatchObject({ version: 1, state: { verdict: 'spof' } });
  });

  it('on disconnect keeps the data and remembers when it stopped', () => {
    const { view } = foldAll([
      { type: 'connected', at: NOW - 10 },
      snapshot(1),
      { type: 'disconnected', at: NOW + 500 },
      { type: 'connect-failed', at: NOW + 2500, error: 'xhr poll error' },
    ]);
    expect(view.connection).toEqual({
      state: 'disconnected',
      since: NOW + 500,
      lastMessageAt: NOW,
      error: 'xhr poll error',
    });
    expect(view.clusters.lab?.version).toBe(1);
  });

  it('is live again on reconnect', () => {
    const { view } = foldAll([
      { type: 'disconnected', at: NOW },
      { type: 'connected', at: NOW + 3000 },
    ]);
    expect(view.connection).toMatchObject({ state: 'live', since: NOW + 3000, error: null });
  });

  it('keeps the overview as sent', () => {
    const { view } = foldAll([{ type: 'overview', at: NOW, message: { version: 3, clusters: [] } }]);
    expect(view.overview).toEqual({ version: 3, clusters: [], receivedAt: NOW });
  });

  it('bounds the live timeline per cluster', () => {
    const events: HawkMessage[] = Array.from({ length: LIVE_TIMELINE_KEPT + 25 }, (_, i) => ({
      type: 'timeline',
      at: NOW + i,
      event: { kind: 'probe-recovered', clusterId: 'lab', at: NOW + i, target: 'cp-1' },
    }));
    const { view } = foldAll(events);
    expect(view.liveTimeline.lab).toHaveLength(LIVE_TIMELINE_KEPT);
    expect(view.liveTimeline.lab?.at(-1)?.at).toBe(NOW + LIVE_TIMELINE_KEPT + 24);
  });

  it('records a server error', () => {
    const { view } = foldAll([
      { type: 'hawk-error', at: NOW, message: { code: 'unknown-cluster', message: 'no such cluster' } },
    ]);
    expect(view.lastError?.code).toBe('unknown-cluster');
  });
});
