import type { ClusterSummary } from '@hawk/core';
import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatClock } from '../lib/format';
import { VERDICT_SETTLE_MS } from '../lib/use-verdict-change';
import { aFinding, healthy, quorumLost } from '../test-support/cluster-fixture';

const NOW = Date.UTC(2026, 0, 1, 12, 3, 4);
import { ClusterTile } from './cluster-tile';
import { ConnectionBanner } from './connection-banner';

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const summary = (overrides: Partial<ClusterSummary>): ClusterSummary => ({
  id: 'lab',
  context: 'hawk-lab',
  name: 'hawk-lab',
  verdict: 'ha-ok',
  worstFinding: null,
  findingCounts: { critical: 0, warning: 0, info: 0 },
  observedAt: NOW - 1000,
  labels: {},
  ...overrides,
});

describe('ClusterTile', () => {
  it('says the verdict in words, names the worst finding and its freshness', () => {
    const worst = aFinding({ id: 'etcd-quorum-lost', title: 'etcd quorum lost', severity: 'critical' });
    render(
      <ClusterTile
        summary={summary({ verdict: 'down', worstFinding: worst, findingCounts: { critical: 1, warning: 2, info: 0 } })}
        href="/clusters/lab"
      />,
    );
    const tile = screen.getByTestId('cluster-tile');
    expect(tile.className).toContain('tone-bad');
    expect(tile.textContent).toContain('down');
    expect(tile.textContent).toContain('etcd quorum lost');
    expect(tile.textContent).toContain('1 critical · 2 warning');
    expect(tile.textContent).toContain(`as of ${formatClock(NOW - 1000)}, 1 s ago`);
    expect(tile.getAttribute('href')).toBe('/clusters/lab');
  });

  it('shows a managed cluster as not visible, neither healthy nor broken', () => {
    render(<ClusterTile summary={summary({ verdict: 'not-visible' })} href="/clusters/lab" />);
    expect(screen.getByTestId('cluster-tile').textContent).toContain('not visible');
    expect(screen.getByTestId('cluster-tile').textContent).toContain('managed: control plane hidden');
  });
});

describe('ConnectionBanner', () => {
  it('says disconnected with the time of the last data', () => {
    render(
      <ConnectionBanner
        connection={{ state: 'disconnected', since: NOW, lastMessageAt: NOW - 2000, error: 'transport close' }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain(`disconnected — data as of ${formatClock(NOW - 2000)}`);
  });

  it('says nothing while live', () => {
    render(<ConnectionBanner connection={{ state: 'live', since: NOW, lastMessageAt: NOW, error: null }} />);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('ClusterTile with its state', () => {
  it('glances at each tier: serving apiservers, leaders by node, etcd quorum', () => {
    const { state } = healthy();
    render(<ClusterTile summary={summary({})} href="/clusters/lab" state={state} />);
    const items = [...screen.getByTestId('glance').querySelectorAll('.glance-item')].map((el) => el.textContent);
    expect(items).toEqual(['apiservers3/3', 'controller-managercp-1', 'schedulercp-1', 'etcd3/3']);
  });

  it('marks the failing tiers when quorum is lost', () => {
    render(<ClusterTile summary={summary({ verdict: 'down' })} href="/clusters/lab" state={quorumLost().state} />);
    const tones = [...screen.getByTestId('glance').querySelectorAll('.glance-item')].map((el) =>
      el.className.replace('glance-item ', ''),
    );
    expect(tones).toEqual(['tone-bad', 'tone-bad', 'tone-bad', 'tone-bad']);
  });
});

describe('ClusterTile on the wall', () => {
  it('breaks a long name after "@" and "-", keeping the whole name as its title', () => {
    render(<ClusterTile summary={summary({ name: 'kubernetes-admin@hawk-lab' })} href="/clusters/lab" />);
    const name = screen.getByTestId('cluster-tile').querySelector('.cluster-name')!;
    expect(name.getAttribute('title')).toBe('kubernetes-admin@hawk-lab');
    expect(name.querySelectorAll('wbr')).toHaveLength(3);
    expect(name.textContent).toBe('kubernetes-admin@hawk-lab');
  });

  it('shows the name the cluster was given, not the context it is reached through', () => {
    render(
      <ClusterTile
        summary={summary({ context: 'inClusterContext', name: 'prod-eu (Frankfurt)' })}
        href="/clusters/lab"
      />,
    );
    const tile = screen.getByTestId('cluster-tile');
    expect(tile.querySelector('.cluster-name')!.textContent).toBe('prod-eu (Frankfurt)');
    expect(tile.textContent).not.toContain('inClusterContext');
  });

  it('marks a change of verdict in colour and words, not on first sight', () => {
    const { rerender } = render(<ClusterTile summary={summary({})} href="/clusters/lab" />);
    expect(screen.getByTestId('cluster-tile').className).not.toContain('verdict-changed');
    // HA ok has held long enough to count: the change away from it is an event.
    vi.setSystemTime(NOW + VERDICT_SETTLE_MS);
    rerender(<ClusterTile summary={summary({ verdict: 'down' })} href="/clusters/lab" />);
    expect(screen.getByTestId('cluster-tile').className).toContain('verdict-changed');
    expect(screen.getByTestId('verdict-change').textContent).toBe(
      `changed at ${formatClock(NOW + VERDICT_SETTLE_MS)}, was HA ok`,
    );
  });
});
