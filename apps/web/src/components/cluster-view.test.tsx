import { render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatClock } from '../lib/format';
import { aHealthyCluster, aLeaderOverdueCluster, aManagedCluster, anEtcdDegradedCluster, aQuorumLostCluster, NOW } from '../test-support/cluster-fixture';
import { ClusterView } from './cluster-view';

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const lease = (component: string) => screen.getAllByTestId('lease').find((el) => el.dataset.lease === component)!;

describe('ClusterView', () => {
  it('healthy: holders with their nodes and standbys, 3/3 serving, quorum with its margin, no findings', () => {
    render(<ClusterView state={aHealthyCluster()} />);
    expect(screen.getByText('HA ok')).toBeTruthy();
    expect(screen.getByTestId('no-findings')).toBeTruthy();
    expect(screen.getByTestId('apiservers-serving').textContent).toBe('3/3 serving');
    expect(screen.getAllByTestId('apiserver')).toHaveLength(3);
    expect(screen.getByTestId('front-door').textContent).toContain('Load balancer');
    const cm = lease('kube-controller-manager');
    expect(within(cm).getByTestId('lease-holder').textContent).toBe('cp-1_kube-controller-manager-uuid');
    expect(within(cm).getByText('on cp-1')).toBeTruthy();
    expect(within(cm).getByText('renewing')).toBeTruthy();
    expect(within(cm).getByTestId('standbys').textContent).toBe('standbys (2): cp-2cp-3');
    expect(within(cm).getByText(/leaderless 14\.2 s/)).toBeTruthy();
    expect(screen.getByTestId('quorum').textContent).toContain('3/3, tolerates 1 failure');
    expect(screen.getByTestId('etcd-leader').closest('[data-testid="etcd-member"]')?.textContent).toContain('etcd-1');
    expect(screen.getByText(/stacked/)).toBeTruthy();
    expect(screen.getAllByTestId('impact')).toHaveLength(3);
    expect(screen.getAllByText(`as of ${formatClock(NOW - 1000)}, 1 s ago`).length).toBeGreaterThan(3);
  });

  it('leader overdue: the lease says so, the ring shows the time left, the finding carries its command', () => {
    render(<ClusterView state={aLeaderOverdueCluster()} />);
    const cm = lease('kube-controller-manager');
    expect(within(cm).getByText('leader not renewing')).toBeTruthy();
    expect(within(cm).getByTestId('countdown-ring').dataset.remainingMs).toBe('9000');
    expect(within(cm).getByTestId('countdown-ring').className).toContain('tone-warn');
    const finding = screen.getByTestId('finding');
    expect(finding.textContent).toContain('kube-controller-manager: leader not renewing');
    expect(finding.textContent).toContain('sinceRenewalMs6000');
    expect(within(finding).getByRole('button', { name: 'copy: kubectl -n kube-system get lease kube-controller-manager -o yaml' })).toBeTruthy();
    expect(screen.getByText('degraded')).toBeTruthy();
  });

  it('etcd degraded: no margin left, the stopped member marked unreachable', () => {
    render(<ClusterView state={anEtcdDegradedCluster()} />);
    expect(screen.getByTestId('quorum').textContent).toContain('2/3, tolerates 0 failures');
    expect(screen.getByTestId('quorum').className).toContain('tone-warn');
    const down = screen.getAllByTestId('etcd-member').find((el) => el.textContent?.includes('etcd-3'))!;
    expect(within(down).getByText('unreachable')).toBeTruthy();
    expect(within(down).getByText('context deadline exceeded')).toBeTruthy();
  });

  it('quorum lost: one root cause with its consequences folded under it', () => {
    render(<ClusterView state={aQuorumLostCluster()} />);
    const findings = screen.getAllByTestId('finding');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.textContent).toContain('etcd quorum lost');
    expect(within(findings[0]!).getByText('2 consequences of this')).toBeTruthy();
    expect(within(findings[0]!).getAllByTestId('consequence').map((el) => el.textContent)).toEqual(['critical apiserver cp-1 not ready', 'critical kube-scheduler: leader lost']);
    expect(screen.getByTestId('quorum').textContent).toContain('quorum lost: 1/3 healthy, needs 2');
    expect(screen.getByTestId('apiservers-serving').textContent).toBe('0/3 serving');
    expect(screen.getAllByText('failing: etcd')).toHaveLength(3);
    expect(within(lease('kube-scheduler')).getByText('lease expired: leader lost')).toBeTruthy();
    expect(within(lease('kube-scheduler')).getByTestId('countdown-ring').dataset.remainingMs).toBe('0');
    expect(screen.getByText('down')).toBeTruthy();
  });

  it('managed: says it cannot see the control plane instead of showing empty panels', () => {
    render(<ClusterView state={aManagedCluster()} />);
    expect(screen.getByText('not visible')).toBeTruthy();
    expect(screen.getByTestId('managed').textContent).toContain('neither healthy nor broken');
    expect(screen.queryByLabelText('API servers')).toBeNull();
    expect(screen.queryByLabelText('etcd')).toBeNull();
  });

  it('unreachable: says since when and why, and that the rest is the last known state', () => {
    render(<ClusterView state={aHealthyCluster({ verdict: 'unknown', reachability: { state: 'unreachable', error: 'connect ECONNREFUSED', since: NOW - 30_000 } })} />);
    expect(screen.getByTestId('reachability').textContent).toContain(`unreachable since ${formatClock(NOW - 30_000)}`);
    expect(screen.getByTestId('reachability').textContent).toContain('ECONNREFUSED');
    expect(screen.getByText('unknown')).toBeTruthy();
  });

  it('etcd seen only through the apiservers says so', () => {
    const base = aHealthyCluster();
    render(<ClusterView state={{ ...base, etcd: { ...base.etcd, source: 'apiserver-readyz', readyzEtcd: { ok: 3, answered: 3 } } }} />);
    expect(screen.getByTestId('etcd-source').textContent).toBe('via apiserver /readyz: 3/3 apiservers report etcd ok');
  });

  it('a stale source shows its state, not just its age', () => {
    const base = aHealthyCluster();
    const stale = { state: 'stale', lastEventAt: NOW - 95_000, detail: '410 Gone, relisting' } as const;
    render(<ClusterView state={{ ...base, etcd: { ...base.etcd, freshness: stale } }} />);
    const etcd = screen.getByLabelText('etcd');
    expect(within(etcd).getByText('stale')).toBeTruthy();
    expect(within(etcd).getByText('410 Gone, relisting')).toBeTruthy();
    expect(within(etcd).getByText(/1 min 35 s ago/)).toBeTruthy();
  });

  it('past: marked as such, with the ring frozen at the replayed instant', () => {
    render(<ClusterView state={aLeaderOverdueCluster()} pastAt={NOW + 4000} />);
    expect(screen.getByTestId('past-banner').textContent).toContain('PAST');
    expect(within(lease('kube-controller-manager')).getByTestId('countdown-ring').dataset.remainingMs).toBe('5000');
  });

  it('a finding named in the link is highlighted, even when folded under its cause', () => {
    render(<ClusterView state={aQuorumLostCluster()} highlightFinding="leader-election-leader-lost:kube-scheduler" />);
    expect(screen.getByTestId('finding').className).toContain('finding-highlighted');
  });
});
