import { incidentsOf, summarizeIncident } from '@hawk/core';
import { aCluster, simulateHawk, timelineOf } from '@hawk/core/testing';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ListedIncident } from '../lib/use-incidents';
import { IncidentsPanel } from './incidents-panel';

/**
 * The lab's shape judged by the real core: the controller-manager leader killed and replaced, then an apiserver down.
 */
function listed(): ListedIncident[] {
  const run = simulateHawk(
    aCluster().withApiServers(3).withLease('kube-controller-manager').withLease('kube-scheduler').withEtcd(3),
  ).advance(20_000);
  run.cluster.killLeaseHolder('kube-controller-manager');
  run.advance(18_000);
  run.cluster.acquireLease('kube-controller-manager', 2).removeCandidate('kube-controller-manager', 1);
  run.advance(30_000);
  run.cluster.stopApiServer(2);
  run.advance(10_000);
  // As the REST route lists them.
  return incidentsOf(timelineOf(run, 'lab')).map((incident) => ({
    ...incident,
    title: incident.findings[0]!.title,
    summary: incident.endedAt === null ? null : summarizeIncident(incident, 'lab'),
  }));
}

afterEach(() => vi.unstubAllGlobals());

describe('IncidentsPanel', () => {
  it('lists incidents newest first; one click copies an ended one’s summary, an ongoing one has none', async () => {
    const incidents = listed();
    expect(incidents.map((i) => i.endedAt === null)).toEqual([false, true]);
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    render(<IncidentsPanel incidents={incidents} />);

    const rows = screen.getAllByTestId('incident');
    expect(rows.map((row) => row.dataset.ended)).toEqual(['false', 'true']);
    expect(rows[0]!.textContent).toMatch(/ongoing/);
    expect(rows[1]!.textContent).toContain(incidents[0]!.title);
    expect(rows[1]!.textContent).toMatch(/recovered in \d+\.\d s/);
    const buttons = screen.getAllByTestId('copy-summary');
    expect(buttons).toHaveLength(1);

    fireEvent.click(buttons[0]!);
    await waitFor(() => expect(screen.getByTestId('copy-summary').textContent).toBe('copied'));
    expect(writeText).toHaveBeenCalledWith(incidents[0]!.summary);
    expect(incidents[0]!.summary).toMatch(/^## Incident \d+ on lab: /);
  });

  it('says so when there are none, or when they could not be read', () => {
    const { rerender } = render(<IncidentsPanel incidents={[]} />);
    expect(screen.getByLabelText('incidents').textContent).toContain('none');
    rerender(<IncidentsPanel incidents={[]} error="HTTP 503" />);
    expect(screen.getByLabelText('incidents').textContent).toContain('incidents unavailable: HTTP 503');
  });
});
