import type { LeaseView } from '@hawk/core';
import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatClock } from '../lib/format';
import { VERDICT_SETTLE_MS } from '../lib/use-verdict-change';
import {
  certificatesDue,
  etcdDegraded,
  healthy,
  leaderOverdue,
  managed,
  quorumLost,
  unreachable,
  type Scenario,
} from '../test-support/cluster-fixture';
import { ClusterView } from './cluster-view';

/** Pins the browser's clock to the scenario's, so "ago" and the rings read as the server meant. */
function at(scenario: Scenario): Scenario {
  vi.useFakeTimers({ now: scenario.now, toFake: ['Date'] });
  return scenario;
}
afterEach(() => {
  vi.useRealTimers();
});

const leaseCard = (component: string) => screen.getAllByTestId('lease').find((el) => el.dataset.lease === component)!;
const verdict = () => document.querySelector('.verdict')?.textContent;
const leaseOf = (scenario: Scenario, component: string): LeaseView =>
  scenario.state.leases.find((l) => l.component === component)!;

describe('ClusterView', () => {
  it('certificates: soonest end first, with the level core judged; no panel before any was read', () => {
    const scenario = at(certificatesDue());
    render(<ClusterView state={scenario.state} />);
    const rows = screen.getAllByTestId('certificate').map((row) => row.textContent);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^renew nowetcd .* ends \d{4}-\d\d-\d\d/);
    expect(rows[1]).toMatch(/^renew soonapiserver 10\.213\.0\.11:6443 ends/);
    expect(rows[2]).toMatch(/^validhawk's client kubernetes-admin ends/);
    const findings = scenario.state.findings.filter((f) => f.ruleId === 'CertificateExpiring');
    expect(findings.map((f) => f.severity)).toEqual(['critical', 'warning']);
    expect(scenario.state.verdict).toBe('ha-ok');
  });

  it('no certificates read yet: no certificates panel', () => {
    render(<ClusterView state={at(healthy()).state} />);
    expect(screen.queryByLabelText('Certificates')).toBeNull();
  });

  it("heads the page with the cluster's name, not the context hawk reaches it through", () => {
    const scenario = at(healthy());
    const identity = { ...scenario.state.identity, context: 'inClusterContext', name: 'prod-eu (Frankfurt)' };
    render(<ClusterView state={{ ...scenario.state, identity }} />);
    expect(document.querySelector('.cluster-head h1')?.textContent).toBe('prod-eu (Frankfurt)');
    expect(document.body.textContent).not.toContain('inClusterContext');
  });

  it('healthy: holders with their nodes and standbys, 3/3 serving, quorum with its margin', () => {
    const scenario = at(healthy());
    render(<ClusterView state={scenario.state} />);
    expect(verdict()).toBe('HA ok');
    expect(screen.getAllByTestId('finding').map((el) => el.dataset.findingId)).toEqual(['TopologyStackedEtcd']);
    expect(
      screen.getByTestId('finding').querySelector('details.finding-details')?.hasAttribute('open'),
      'info folds its details',
    ).toBe(false);
    expect(screen.getByTestId('apiservers-serving').textContent).toBe('3/3 serving');
    expect(screen.getAllByTestId('apiserver')).toHaveLength(3);
    expect(screen.getByTestId('front-door').textContent).toContain('Load balancer');
    const cm = leaseCard('kube-controller-manager');
    expect(within(cm).getByTestId('lease-holder').textContent).toBe(
      leaseOf(scenario, 'kube-controller-manager').record?.holderIdentity,
    );
    expect(within(cm).getByTestId('lease-holder-node').textContent).toBe('on cp-1');
    expect(within(cm).getByText('renewing')).toBeTruthy();
    expect(within(cm).getByTestId('standbys').textContent).toBe('standbys (2): cp-2cp-3');
    expect(within(cm).getByTestId('countdown-ring').dataset.remainingMs).toBe('15000');
    expect(screen.getByTestId('quorum').textContent).toContain('3/3, tolerates 1 failure');
    expect(screen.getByTestId('etcd-leader').closest('[data-testid="etcd-member"]')?.textContent).toContain('cp-1');
    expect(screen.getByText('stacked (etcd on the control-plane nodes)')).toBeTruthy();
    expect(screen.getAllByTestId('impact')).toHaveLength(3);
    expect(screen.getAllByText(`as of ${formatClock(scenario.now)}, just now`).length).toBeGreaterThan(3);
  });

  it('leader overdue: the lease says so, the ring has drained, the finding carries evidence and a command', () => {
    const scenario = at(leaderOverdue());
    render(<ClusterView state={scenario.state} />);
    const cm = leaseCard('kube-controller-manager');
    expect(within(cm).getByText('leader not renewing')).toBeTruthy();
    expect(within(cm).getByTestId('countdown-ring').dataset.remainingMs).toBe('11000');
    expect(within(cm).getByTestId('countdown-ring').className).toContain('tone-warn');
    const finding = screen.getAllByTestId('finding')[0]!;
    expect(finding.textContent).toContain('kube-controller-manager leader not renewing');
    const silent = finding.querySelector('[data-evidence-key="silentMs"]');
    expect(silent?.textContent).toBe('silent for 4.0 s');
    expect(silent?.getAttribute('title'), 'the raw key on hover').toBe('silentMs = 4000');
    expect(within(finding).getAllByRole('button', { name: /^copy: kubectl/ }).length).toBeGreaterThan(0);
    expect(verdict()).toBe('degraded');
  });

  it('etcd degraded: no margin left, the stopped member marked unreachable', () => {
    render(<ClusterView state={at(etcdDegraded()).state} />);
    expect(screen.getByTestId('quorum').textContent).toContain('2/3, tolerates 0 failures');
    expect(screen.getByTestId('quorum').className).toContain('tone-warn');
    const down = screen.getAllByTestId('etcd-member').find((el) => el.textContent?.includes('cp-3'))!;
    expect(within(down).getByText('unreachable')).toBeTruthy();
    expect(within(down).getByText('context deadline exceeded')).toBeTruthy();
    expect(screen.getAllByTestId('finding')[0]!.textContent).toContain(
      'etcd 2/3: quorum held, one more failure loses it',
    );
  });

  it('quorum lost: one root cause with its consequences folded under it', () => {
    const scenario = at(quorumLost());
    render(<ClusterView state={scenario.state} />);
    const findings = screen.getAllByTestId('finding');
    expect(findings.map((el) => el.dataset.findingId)).toEqual(['EtcdQuorumLost', 'TopologyStackedEtcd']);
    expect(within(findings[0]!).getByText('7 consequences of this')).toBeTruthy();
    expect(
      within(findings[0]!)
        .getAllByTestId('consequence')
        .map((el) => el.textContent),
    ).toContain('critical etcd has no leader');
    expect(screen.getByTestId('quorum').textContent).toContain('quorum lost: 1/3 healthy, needs 2');
    expect(screen.getByTestId('apiservers-serving').textContent).toBe('0/3 serving');
    expect(screen.getAllByText('failing: etcd')).toHaveLength(3);
    expect(within(leaseCard('kube-scheduler')).getByText('lease expired: leader lost')).toBeTruthy();
    expect(within(leaseCard('kube-scheduler')).getByTestId('countdown-ring').dataset.remainingMs).toBe('0');
    expect(verdict()).toBe('down');
  });

  it('managed: says it cannot see the control plane instead of showing empty panels', () => {
    render(<ClusterView state={at(managed()).state} />);
    expect(verdict()).toBe('not visible');
    expect(screen.getByTestId('managed').textContent).toContain('neither healthy nor broken');
    expect(screen.queryByLabelText('API servers')).toBeNull();
    expect(screen.queryByLabelText('etcd')).toBeNull();
  });

  it('unreachable: says since when and why, and that the rest is the last known state', () => {
    const scenario = at(unreachable());
    render(<ClusterView state={scenario.state} />);
    const notice = screen.getByTestId('reachability').textContent;
    expect(notice).toContain(`unreachable since ${formatClock(scenario.now - 30_000)}`);
    expect(notice).toContain('ECONNREFUSED');
    expect(notice).toContain('last known state');
  });

  it('etcd seen only through the apiservers says so', () => {
    const { state } = at(healthy());
    render(
      <ClusterView
        state={{ ...state, etcd: { ...state.etcd, source: 'apiserver-readyz', readyzEtcd: { ok: 3, answered: 3 } } }}
      />,
    );
    expect(screen.getByTestId('etcd-source').textContent).toBe('via apiserver /readyz: 3/3 apiservers report etcd ok');
  });

  it('a stale source shows its state, not just its age', () => {
    const { state, now } = at(healthy());
    const stale = { state: 'stale', lastEventAt: now - 95_000, detail: '410 Gone, relisting' } as const;
    render(<ClusterView state={{ ...state, etcd: { ...state.etcd, freshness: stale } }} />);
    const etcd = screen.getByLabelText('etcd');
    expect(within(etcd).getByText('stale')).toBeTruthy();
    expect(within(etcd).getByText('410 Gone, relisting')).toBeTruthy();
    expect(within(etcd).getByText(/1 min 35 s ago/)).toBeTruthy();
  });

  it('a malformed lease is shown as such', () => {
    const { state } = at(healthy());
    const broken: LeaseView = {
      ...state.leases[0]!,
      status: 'malformed',
      expiresAt: null,
      record: { ...state.leases[0]!.record!, leaseDurationSeconds: 0, holderIdentity: null },
    };
    render(<ClusterView state={{ ...state, leases: [broken] }} />);
    expect(within(leaseCard('kube-controller-manager')).getByText('malformed lease')).toBeTruthy();
    expect(within(leaseCard('kube-controller-manager')).getByTestId('lease-holder').textContent).toBe('no holder');
    expect(within(leaseCard('kube-controller-manager')).getByTestId('countdown-ring').textContent).toBe('?');
  });

  it('past: marked as such, with the ring frozen at the replayed instant', () => {
    const scenario = at(leaderOverdue());
    render(<ClusterView state={scenario.state} pastAt={scenario.now + 4000} />);
    expect(screen.getByTestId('past-banner').textContent).toContain('PAST');
    expect(within(leaseCard('kube-controller-manager')).getByTestId('countdown-ring').dataset.remainingMs).toBe('7000');
  });

  it('a finding named in the link is highlighted, even when folded under its cause', () => {
    render(<ClusterView state={at(quorumLost()).state} highlightFinding="EtcdNoLeader" />);
    expect(screen.getAllByTestId('finding')[0]!.className).toContain('finding-highlighted');
  });
});

describe('ClusterView: clock skew and handover kind', () => {
  it('notes a holder clock 10 min behind, says hawk judges by observed renewals, and marks each handover', () => {
    const scenario = at(healthy());
    const leases = scenario.state.leases.map((lease) =>
      lease.component === 'kube-scheduler'
        ? {
            ...lease,
            skewMs: 600_000,
            skewNoted: true,
            transitions: [
              {
                lease: 'kube-system/kube-scheduler',
                from: 'cp-2_a',
                to: null,
                at: scenario.now - 9000,
                leaderlessMs: null,
                handover: 'released' as const,
              },
              {
                lease: 'kube-system/kube-scheduler',
                from: 'cp-3_b',
                to: 'cp-2_a',
                at: scenario.now - 5000,
                leaderlessMs: 16_000,
                handover: 'expired' as const,
              },
            ],
          }
        : lease,
    );
    render(<ClusterView state={{ ...scenario.state, leases }} />);
    const scheduler = leaseCard('kube-scheduler');
    expect(within(scheduler).getByTestId('skew-note').textContent).toMatch(
      /^holder's clock is 10 min 00 s behind hawk's; hawk judges by observed renewals/,
    );
    expect(within(leaseCard('kube-controller-manager')).queryByTestId('skew-note')).toBeNull();
    const kinds = [...scheduler.querySelectorAll('.transitions .handover')].map((el) => el.textContent?.trim());
    expect(kinds).toEqual(['expired (holder crashed or hung)', 'released (graceful)']);
  });

  it('on the wall: the N-1 line and the verdict change, marked until it is old', () => {
    const scenario = at(healthy());
    const { rerender } = render(<ClusterView state={scenario.state} />);
    expect(screen.getByTestId('n1-line').textContent).toContain('losing any one of cp-1, cp-2, cp-3: survivable');
    expect(screen.queryByTestId('verdict-change')).toBeNull();
    vi.setSystemTime(scenario.now + VERDICT_SETTLE_MS);
    rerender(<ClusterView state={{ ...scenario.state, verdict: 'degraded' }} />);
    expect(document.querySelector('.cluster-head')?.className).toContain('verdict-changed');
    expect(screen.getByTestId('verdict-change').textContent).toMatch(/^changed at \d\d:\d\d:\d\d, was HA ok$/);
  });
});
