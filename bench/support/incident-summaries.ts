/**
 * The summaries hawk wrote for incidents that ended since `since` (epoch ms), read over its REST API as an SRE
 * would: the chaos run prints them per episode, beside the numbers it measures against the lab.
 */
export async function endedIncidentSummaries(url: string, clusterId: string, since: number): Promise<string[]> {
  const response = await fetch(`${url}/api/clusters/${encodeURIComponent(clusterId)}/incidents?from=${since}`);
  if (!response.ok) return [`(incidents unavailable: HTTP ${response.status})`];
  const body = (await response.json()) as { incidents: { openedAt: number; summary: string | null }[] };
  return body.incidents
    .filter((incident) => incident.openedAt >= since && incident.summary !== null)
    .map((incident) => incident.summary!);
}
