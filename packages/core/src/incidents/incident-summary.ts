import { isBlinding, type Incident, type IncidentFinding } from './incidents';

/** "05:01:02.123 UTC": the clock part of an epoch ms time; the date is said once, in the heading. */
const clock = (at: number) => `${new Date(at).toISOString().slice(11, 23)} UTC`;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/** "850 ms", "18.0 s", "4 min 05 s", "2 h 03 min": fixed formats, so the same timeline gives the same text. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Backticks in observed text (a holder identity, a title quoting an error) would end Markdown code early. */
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
// Intraword underscores (holder identities) stay as they are: CommonMark does not emphasize them.
const plain = (text: string) => text.replace(/([\\`*[\]<>|])/g, '\\$1');

function findingLine(f: IncidentFinding, openedAt: number): string {
  const after = f.openedAt > openedAt ? `+${formatDuration(f.openedAt - openedAt)}, ` : '';
  const lasted =
    f.resolvedAt === null
      ? 'still open'
      : `resolved at ${clock(f.resolvedAt)}, after ${formatDuration(f.resolvedAt - f.openedAt)}`;
  const again = f.reopened > 0 ? `, opened ${f.reopened + 1} times` : '';
  return `- ${after}${clock(f.openedAt)}: ${plain(f.title)} (${code(f.ruleId)}, ${f.severity}; ${lasted}${again})`;
}

/**
 * summarizeIncident writes an incident's summary in Markdown from its timeline alone: what failed first and when,
 * what followed, each leaderless gap with its length and who took over, how long to full recovery, and what hawk
 * could not see. Deterministic: the same incident always gives the same text. Times are hawk's observations.
 */
export function summarizeIncident(incident: Incident, clusterName: string = incident.clusterId): string {
  const first = incident.findings.filter((f) => f.openedAt === incident.openedAt && !isBlinding(f));
  const firsts = first.length > 0 ? first : incident.findings.slice(0, 1);
  const followed = incident.findings.filter((f) => !firsts.includes(f) && !isBlinding(f));
  const blind = incident.findings.filter((f) => isBlinding(f) && !firsts.includes(f));
  const lines: string[] = [];

  lines.push(`## Incident ${incident.n} on ${plain(clusterName)}: ${plain(firsts[0]?.title ?? 'unknown')}`, '');
  const recovery =
    incident.endedAt === null || incident.recoveryMs === null
      ? 'still open'
      : `ended ${clock(incident.endedAt)}; full recovery ${formatDuration(incident.recoveryMs)} ` + 'after it opened';
  lines.push(`${day(incident.openedAt)}, opened ${clock(incident.openedAt)}, ${recovery}.`, '');

  lines.push('### What failed first', ...firsts.map((f) => findingLine(f, incident.openedAt)), '');
  lines.push('### What followed');
  lines.push(
    ...(followed.length > 0 ? followed.map((f) => findingLine(f, incident.openedAt)) : ['- nothing else']),
    '',
  );

  lines.push('### Leaderless gaps');
  const gaps = incident.transitions.map((t) => {
    const gap =
      t.leaderlessMs === null
        ? 'leaderless for an unmeasured time'
        : `leaderless ${formatDuration(t.leaderlessMs)} (${clock(t.at - t.leaderlessMs)} → ${clock(t.at)})`;
    const taken = t.to === null ? 'nobody took over yet' : `${code(t.to)} took over at ${clock(t.at)}`;
    const from = t.from === null ? '' : ` from ${code(t.from)}`;
    const how =
      t.handover === 'expired'
        ? ' (the lease expired: holder crashed or hung)'
        : t.handover === 'released'
          ? ' (released)'
          : '';
    return `- ${code(t.lease)}: ${gap}; ${taken}${from}${how}`;
  });
  lines.push(...(gaps.length > 0 ? gaps : ['- none: no leader-elected component changed hands']), '');

  if (incident.etcdLeaderChanges.length > 0) {
    lines.push('### etcd leader changes');
    for (const change of incident.etcdLeaderChanges)
      lines.push(`- ${clock(change.at)}: ${code(change.from ?? 'no leader')} → ${code(change.to ?? 'no leader')}`);
    lines.push('');
  }

  lines.push('### What hawk could not see');
  const unseen = [
    ...blind.map((f) => findingLine(f, incident.openedAt)),
    ...incident.transitions
      .filter((t) => t.leaderlessMs === null)
      .map((t) => `- the gap on ${code(t.lease)}: the old holder's last renewal was not observed`),
  ];
  lines.push(...(unseen.length > 0 ? unseen : ["- nothing reported: hawk's sources and probes stayed live"]), '');
  lines.push(
    '_Times are when hawk observed each change (within a probe interval or a watch event of the fact); gaps run from ' +
      "the old holder's last renewal hawk saw to the new holder's first._",
  );
  return `${lines.join('\n')}\n`;
}
