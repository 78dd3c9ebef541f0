/**
 * Where the runbooks (docs/runbooks/<Alert>.md) are read: the repository's copy on GitHub by
 * default, as the shipped Prometheus rules link them (deploy/prometheus/hawk-rules.yaml spells the
 * same base; a test holds the two together). A mirror or an internal wiki sets its own base.
 */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/hawk/hawk/blob/main/docs/runbooks';

export const runbookUrl = (alertname: string, base = DEFAULT_RUNBOOK_BASE_URL): string =>
  `${base.replace(/\/+$/, '')}/${alertname}.md`;

/** The cluster's page in hawk's web (apps/web/src/app/clusters/[id]) under the address people open hawk at. */
export const clusterPageLink =
  (publicUrl: string) =>
  (notice: { readonly clusterId: string }): string =>
    `${publicUrl.replace(/\/+$/, '')}/clusters/${encodeURIComponent(notice.clusterId)}`;
