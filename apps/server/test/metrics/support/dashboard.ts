import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '../../../../..');
export const DASHBOARD = join(REPO_ROOT, 'deploy', 'grafana', 'hawk.json');
export const CHART_DASHBOARD = join(REPO_ROOT, 'deploy', 'helm', 'hawk', 'dashboards', 'hawk.json');

export interface PanelQuery {
  readonly panel: string;
  readonly expr: string;
}

/** Every query of every panel, read from the JSON Grafana loads (not from the script that writes it). */
export function panelQueries(file = DASHBOARD): PanelQuery[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}

/** A query as Grafana runs it with "All" clusters selected: `$cluster` becomes the variable's allValue. */
export const withAllClusters = (expr: string): string => expr.replaceAll('$cluster', '.+');
