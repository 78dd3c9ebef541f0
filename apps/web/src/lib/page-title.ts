import type { ClusterSummary } from '@hawk/core';

/** The title before hawk's backend has said which clusters it watches (layout.tsx's metadata). */
export const DEFAULT_TITLE = 'hawk: HA watch';

/** Names spelled out in a title; a tab shows few characters, and a wall's clusters are on the page. */
const NAMES_IN_TITLE = 3;

/**
 * pageTitle names the cluster(s) on screen, so tabs, bookmarks and a wall's window list tell them
 * apart: one cluster's page says its name, the overview the names of all, alphabetically (a title
 * that reordered with every verdict would be hard to find): "prod-eu · hawk", "a, b, c +9 · hawk".
 */
export function pageTitle(clusters: readonly ClusterSummary[], currentClusterId: string | null): string {
  const onScreen = currentClusterId === null ? clusters : clusters.filter((cluster) => cluster.id === currentClusterId);
  const names = onScreen.map((cluster) => cluster.name).sort((a, b) => a.localeCompare(b));
  if (names.length === 0) return DEFAULT_TITLE;
  const shown = names.slice(0, NAMES_IN_TITLE).join(', ');
  const more = names.length > NAMES_IN_TITLE ? ` +${names.length - NAMES_IN_TITLE}` : '';
  return `${shown}${more} · hawk`;
}
