import type { ClusterState, FindingKind, Severity } from '@hawk/core';
import { bit, type ClusterFamily } from './family';

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

function bySeverity(state: ClusterState, kind: FindingKind) {
  return SEVERITIES.map((severity) => ({
    labels: { cluster: state.identity.id, severity },
    value: state.findings.filter((finding) => finding.severity === severity && finding.kind === kind).length,
  }));
}

/** The cluster as a whole: reachability, verdict, findings, and the freshness of hawk's sources. */
export const clusterFamilies: readonly ClusterFamily[] = [
  {
    name: 'hawk_cluster_reachable',
    help: 'Whether hawk reaches the cluster; absent while first connecting.',
    type: 'gauge',
    labelNames: ['cluster'],
    generate: (state) =>
      state.reachability.state === 'connecting'
        ? []
        : [{ labels: { cluster: state.identity.id }, value: bit(state.reachability.state === 'reachable') }],
  },
  {
    name: 'hawk_cluster_verdict_info',
    help: "hawk's verdict on the control plane (always 1; the verdict is the label).",
    type: 'gauge',
    labelNames: ['cluster', 'verdict'],
    generate: (state) => [{ labels: { cluster: state.identity.id, verdict: state.verdict }, value: 1 }],
  },
  {
    name: 'hawk_findings_active',
    help: 'Current findings open now (what is broken), by severity; expected ones are in hawk_findings_expected.',
    type: 'gauge',
    labelNames: ['cluster', 'severity'],
    // Zero here is a measured zero: hawk judged the cluster and found nothing of that severity.
    generate: (state) => bySeverity(state, 'current'),
  },
  {
    // Apart, so a certificate due in 6 days (critical, expected) never counts as a critical failure.
    name: 'hawk_findings_expected',
    help: 'Expected findings open now (early warnings: nothing broken yet), by severity.',
    type: 'gauge',
    labelNames: ['cluster', 'severity'],
    generate: (state) => bySeverity(state, 'expected'),
  },
  {
    // A timestamp, not an age: it changes only when the certificate is renewed (a new serial, a new series).
    name: 'hawk_certificate_expiry_timestamp_seconds',
    help:
      'Unix time at which a certificate hawk read ends (notAfter): each control-plane serving certificate seen in ' +
      "a TLS handshake, and hawk's own client certificate.",
    type: 'gauge',
    labelNames: ['cluster', 'role', 'subject', 'serial_number'],
    generate: (state) =>
      (state.certificates ?? []).map((certificate) => ({
        labels: {
          cluster: state.identity.id,
          role: certificate.role,
          subject: certificate.subject,
          serial_number: certificate.serialNumber,
        },
        value: certificate.notAfter / 1000,
      })),
  },
  {
    // A timestamp, not an age (Prometheus' convention); silence is `time() - …`.
    name: 'hawk_watch_last_event_timestamp_seconds',
    help: 'Unix time at which a source (watch or probe) last delivered anything.',
    type: 'gauge',
    labelNames: ['cluster', 'source'],
    generate: (state) =>
      Object.entries(state.sources).flatMap(([source, freshness]) =>
        freshness?.lastEventAt == null
          ? []
          : [{ labels: { cluster: state.identity.id, source }, value: freshness.lastEventAt / 1000 }],
      ),
  },
];
