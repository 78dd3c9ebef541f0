/**
 * hawk's Grafana dashboard, built here so every panel's query is written once and tested as written: the JSON
 * (deploy/grafana/hawk.json, and the chart's copy deploy/helm/hawk/dashboards/hawk.json for its grafana_dashboard
 * ConfigMap) is this script's output.
 *
 *   pnpm exec tsx deploy/grafana/build.ts            write both JSON files
 *   pnpm exec tsx deploy/grafana/build.ts --check    exit 1 when either is out of date
 *
 * Several replicas: every hawk replica exports the same cluster series, told apart by the scrape's `pod` and
 * `instance`. Every query aggregates `by` the labels the panel shows, so each series appears once whatever the number
 * of replicas, and believes the replica that got an answer, as the alerting rules do
 * (deploy/prometheus/hawk-rules.yaml): `max` of "up"-like values and renewal timestamps, `min` of open findings.
 * hawk's own election panel is the one that shows replicas, by its `replica` label.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The dashboard's variables, as Grafana substitutes them (the tests put `.+`, the "All" value, for $cluster). */
const VARIABLES = { datasource: '${datasource}', cluster: '$cluster' } as const;

const SEL = `cluster=~"${VARIABLES.cluster}"`;
const BY = 'cluster, cluster_name';

export interface PanelQuery {
  readonly expr: string;
  /** Legend shown per series, in Grafana's {{label}} syntax. */
  readonly legend: string;
}

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type: 'stat' | 'timeseries' | 'table' | 'state-timeline';
  readonly queries: readonly PanelQuery[];
  readonly unit?: string;
  readonly width: number;
  readonly height?: number;
  readonly thresholds?: readonly { readonly value: number | null; readonly color: string }[];
  readonly mappings?: readonly object[];
}

/** Panels in order, row by row (24 columns per row). */
export const PANELS: readonly PanelSpec[] = [
  {
    title: 'Verdict',
    description:
      "hawk's verdict on each control plane (ha-ok, degraded, spof, down, unknown): the cluster page explains it.",
    type: 'table',
    queries: [
      {
        // The verdict is a label (the value is always 1): replicas agreeing give one row per cluster.
        expr: `max by (${BY}, verdict) (hawk_cluster_verdict_info{${SEL}})`,
        legend: '{{cluster_name}}: {{verdict}}',
      },
    ],
    width: 12,
  },
  {
    title: 'Open findings by severity',
    description: 'Findings open now; min over replicas: one replica cut off from a cluster does not add its own.',
    type: 'timeseries',
    queries: [
      { expr: `min by (${BY}, severity) (hawk_findings_active{${SEL}})`, legend: '{{cluster_name}} {{severity}}' },
    ],
    width: 12,
  },
  {
    title: 'Lease holders',
    description: 'Current holder of each leader-election lease (kube-controller-manager, kube-scheduler, …).',
    type: 'table',
    queries: [
      { expr: `max by (${BY}, lease, holder) (hawk_lease_holder_info{${SEL}})`, legend: '{{lease}}: {{holder}}' },
    ],
    width: 8,
  },
  {
    title: 'Leader renewal age',
    description:
      "Seconds since the newest renewal any replica observed (hawk's clock); past the lease duration the lease " +
      'is expired.',
    type: 'timeseries',
    queries: [
      {
        expr: `time() - max by (${BY}, lease) (hawk_lease_last_renewal_timestamp_seconds{${SEL}})`,
        legend: '{{cluster_name}} {{lease}}',
      },
      {
        expr: `max by (${BY}, lease) (hawk_lease_duration_seconds{${SEL}})`,
        legend: '{{cluster_name}} {{lease}} duration',
      },
    ],
    unit: 's',
    width: 8,
  },
  {
    title: 'Leaderless gaps',
    description: 'Measured time without a renewing leader at the last transition of each lease.',
    type: 'timeseries',
    queries: [
      {
        expr: `max by (${BY}, lease) (hawk_lease_last_leaderless_seconds{${SEL}})`,
        legend: '{{cluster_name}} {{lease}}',
      },
    ],
    unit: 's',
    width: 8,
  },
  {
    title: 'Apiservers serving',
    description: 'Instances passing their readiness probe out of all instances, and the load balancer in front.',
    type: 'timeseries',
    queries: [
      {
        expr: `sum by (${BY}) (max by (${BY}, apiserver) (hawk_apiserver_up{${SEL}}))`,
        legend: '{{cluster_name}} serving',
      },
      {
        expr: `count by (${BY}) (max by (${BY}, apiserver) (hawk_apiserver_up{${SEL}}))`,
        legend: '{{cluster_name}} instances',
      },
      { expr: `max by (${BY}) (hawk_load_balancer_up{${SEL}})`, legend: '{{cluster_name}} load balancer up' },
    ],
    width: 8,
  },
  {
    title: 'Apiserver instances',
    description: 'Each instance: 1 ready, 0 not (any replica getting a ready answer counts).',
    type: 'state-timeline',
    queries: [
      { expr: `max by (${BY}, apiserver) (hawk_apiserver_up{${SEL}})`, legend: '{{cluster_name}} {{apiserver}}' },
    ],
    width: 16,
    mappings: [
      { type: 'value', options: { '0': { text: 'not ready', color: 'red' }, '1': { text: 'ready', color: 'green' } } },
    ],
  },
  {
    title: 'etcd members',
    description: 'Voting members in all and answering healthy, and how many more may fail with quorum kept.',
    type: 'timeseries',
    queries: [
      { expr: `max by (${BY}, state) (hawk_etcd_members{${SEL}})`, legend: '{{cluster_name}} {{state}}' },
      { expr: `max by (${BY}) (hawk_etcd_failures_tolerated{${SEL}})`, legend: '{{cluster_name}} failures tolerated' },
    ],
    width: 8,
  },
  {
    title: 'etcd leader',
    description: 'Whether any member reports a leader.',
    type: 'state-timeline',
    queries: [{ expr: `max by (${BY}) (hawk_etcd_has_leader{${SEL}})`, legend: '{{cluster_name}}' }],
    width: 8,
    mappings: [
      { type: 'value', options: { '0': { text: 'no leader', color: 'red' }, '1': { text: 'leader', color: 'green' } } },
    ],
  },
  {
    title: 'etcd DB size / quota',
    description: "Each member's backend database against the quota; etcd refuses writes (NOSPACE) at 100 %.",
    type: 'timeseries',
    queries: [
      {
        expr:
          `max by (${BY}, member) (hawk_etcd_db_size_bytes{${SEL}})` +
          ` / on (${BY}) group_left () max by (${BY}) (hawk_etcd_db_quota_bytes{${SEL}})`,
        legend: '{{cluster_name}} {{member}}',
      },
    ],
    unit: 'percentunit',
    width: 8,
    thresholds: [
      { value: null, color: 'green' },
      { value: 0.8, color: 'orange' },
      { value: 0.95, color: 'red' },
    ],
  },
  {
    title: "hawk's replicas",
    description:
      "hawk's own election: which replica leads (writes shared history, sends the webhook); every replica observes.",
    type: 'state-timeline',
    queries: [{ expr: 'max by (replica) (hawk_replica_leader)', legend: '{{replica}}' }],
    width: 24,
    height: 5,
    mappings: [
      { type: 'value', options: { '0': { text: 'follows', color: 'blue' }, '1': { text: 'leads', color: 'green' } } },
    ],
  },
];

const DATASOURCE = { type: 'prometheus', uid: VARIABLES.datasource };

/** Panels laid out left to right in rows of Grafana's 24 columns, a row as tall as its tallest panel. */
function gridPositions(specs: readonly PanelSpec[]): { h: number; w: number; x: number; y: number }[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((spec) => {
    const height = spec.height ?? 8;
    if (x + spec.width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { h: height, w: spec.width, x, y };
    x += spec.width;
    rowHeight = Math.max(rowHeight, height);
    return gridPos;
  });
}

/** One panel of Grafana's JSON model from its spec: its queries as targets, unit, mappings and thresholds. */
function panelOf(spec: PanelSpec, index: number, gridPos: { h: number; w: number; x: number; y: number }): object {
  return {
    id: index + 1,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos,
    targets: spec.queries.map((query, queryIndex) => ({
      refId: String.fromCharCode(65 + queryIndex),
      datasource: DATASOURCE,
      expr: query.expr,
      legendFormat: query.legend,
      ...(spec.type === 'table' ? { instant: true, format: 'table' } : { range: true }),
    })),
    fieldConfig: {
      defaults: {
        ...(spec.unit ? { unit: spec.unit } : {}),
        ...(spec.mappings ? { mappings: spec.mappings } : {}),
        ...(spec.thresholds ? { thresholds: { mode: 'absolute', steps: spec.thresholds } } : {}),
      },
      overrides: [],
    },
    options: {},
  };
}

export function buildDashboard(): object {
  const positions = gridPositions(PANELS);
  const panels = PANELS.map((spec, index) => panelOf(spec, index, positions[index]!));
  return {
    title: 'hawk: control-plane HA',
    uid: 'hawk-control-plane',
    description:
      'Per cluster: verdict, leaders and their renewal, apiservers, etcd, findings (deploy/grafana/build.ts).',
    tags: ['hawk', 'kubernetes', 'control-plane'],
    editable: false,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    timezone: 'browser',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
        {
          name: 'cluster',
          label: 'Cluster',
          type: 'query',
          datasource: DATASOURCE,
          // Values are hawk's cluster ids (the `cluster` label, stable); panels show cluster_name.
          query: { query: 'label_values(hawk_cluster_verdict_info, cluster)', refId: 'clusters' },
          definition: 'label_values(hawk_cluster_verdict_info, cluster)',
          refresh: 2,
          includeAll: true,
          allValue: '.+',
          multi: true,
          current: { text: ['All'], value: ['$__all'] },
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

const REPO = join(import.meta.dirname, '..', '..');
export const DASHBOARD_FILES = [
  join(REPO, 'deploy', 'grafana', 'hawk.json'),
  join(REPO, 'deploy', 'helm', 'hawk', 'dashboards', 'hawk.json'),
] as const;

export const dashboardJson = (): string => `${JSON.stringify(buildDashboard(), null, 2)}\n`;

if (process.argv[1] === import.meta.filename) {
  const json = dashboardJson();
  if (process.argv.includes('--check')) {
    const stale = DASHBOARD_FILES.filter((file) => {
      try {
        return readFileSync(file, 'utf8') !== json;
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      console.error(`out of date (run pnpm exec tsx deploy/grafana/build.ts): ${stale.join(', ')}`);
      process.exit(1);
    }
  } else {
    for (const file of DASHBOARD_FILES) writeFileSync(file, json);
  }
}
