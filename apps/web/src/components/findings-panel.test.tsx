import { summarizeCluster } from '@hawk/core';
import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { earlyWarnings, healthy, type Scenario } from '../test-support/cluster-fixture';
import { ClusterTile } from './cluster-tile';
import { FindingsPanel } from './findings-panel';

function at(scenario: Scenario): Scenario {
  vi.useFakeTimers({ now: scenario.now, toFake: ['Date'] });
  return scenario;
}
afterEach(() => {
  vi.useRealTimers();
});

describe('FindingsPanel with expected findings', () => {
  it('what is broken first, in its severity; what core expects apart, calm, with when it is due', () => {
    const { state } = at(earlyWarnings());
    render(<FindingsPanel findings={state.findings} />);
    const cards = screen.getAllByTestId('finding');
    const current = cards.filter((card) => card.dataset.kind === 'current');
    expect(current[0]!.className).toMatch(/severity-warning/);
    expect(current[0]!.textContent).toMatch(/apiserver/i);

    const expected = within(screen.getByTestId('expected-findings')).getAllByTestId('finding');
    expect(expected.map((card) => card.dataset.findingId)).toEqual(
      state.findings.filter((f) => f.kind === 'expected').map((f) => f.id),
    );
    for (const card of expected) {
      // Never a severity's colour, even for the critical certificate: the tag says "expected".
      expect(card.className).toMatch(/finding-expected/);
      expect(card.className).not.toMatch(/severity-/);
      expect(card.querySelector('.tag')?.textContent).toBe('expected');
      expect(card.querySelector('details')?.open).toBe(false);
    }
    const certificate = expected.find((card) => card.dataset.findingId?.startsWith('CertificateExpiring'))!;
    expect(within(certificate).getByTestId('finding-due').textContent).toMatch(/^due in 2 d 23 h \(\d{4}-\d\d-\d\d /);
    expect(certificate.querySelector('.expected-severity')?.textContent).toBe('critical');
    const margin = expected.find((card) => card.dataset.findingId?.startsWith('LeaderElectionMarginLow'))!;
    expect(margin.textContent).toMatch(/kube-controller-manager leader running out of margin/);
    expect(within(margin).getByTestId('finding-due').textContent).toMatch(/^foreseen for \d+ s$/);
  });

  it('only expected findings: "nothing broken now", not "no findings"', () => {
    const { state } = at(earlyWarnings());
    render(<FindingsPanel findings={state.findings.filter((f) => f.kind === 'expected')} />);
    expect(screen.getByTestId('no-findings').textContent).toBe('Nothing broken now.');
    expect(screen.getAllByTestId('finding')).toHaveLength(2);
  });

  it('none at all: no expected section', () => {
    render(<FindingsPanel findings={at(healthy()).state.findings} />);
    expect(screen.queryByTestId('expected-findings')).toBeNull();
  });
});

describe('ClusterTile with expected findings', () => {
  it("the tile's worst line and counts are today's; the soonest expected one is a calm line of its own", () => {
    const { state } = at(earlyWarnings());
    const summary = summarizeCluster(state);
    render(<ClusterTile summary={summary} href="/clusters/lab" />);
    const tile = screen.getByTestId('cluster-tile');
    expect(tile.dataset.verdict).toBe('degraded');
    expect(tile.querySelector('.tile-worst')?.textContent).not.toMatch(/certificate|margin/);
    const line = screen.getByTestId('tile-expected').textContent;
    expect(line).toMatch(/^expected etcd serving certificate expires in .* · due in 2 d 23 h/);
    expect(tile.querySelector('.tile-counts')?.textContent).toMatch(/0 critical · \d+ warning · 2 expected$/);
  });
});
