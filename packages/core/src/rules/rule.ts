import type { HawkConfig } from '../config';
import type { Derived } from '../analysis/derive';
import type { ClusterInput } from '../model/cluster';
import type { Component, Evidence, FindingKind, Severity } from '../model/finding';

/** What a finding does to the cluster's verdict; 'none' leaves it ha-ok. */
export type Impact = 'down' | 'unknown' | 'spof' | 'degraded' | 'none';

/** A finding as a rule states it; evaluateCluster adds id, since and causedBy. */
export interface FindingDraft {
  readonly subject: string | null;
  readonly title: string;
  readonly evidence: Evidence;
  readonly remediation: string;
  readonly commands: readonly string[];
  /** Overrides the rule's severity, for rules whose gravity depends on the numbers. */
  readonly severity?: Severity;
  readonly impact?: Impact;
  /** Overrides the rule's component, e.g. a lease rule speaking for kube-scheduler. */
  readonly component?: Component;
  /** Overrides the rule's kind, e.g. a certificate that has already expired is current, not expected. */
  readonly kind?: FindingKind;
  /** For an expected finding: when the foreseen failure would happen (epoch ms). */
  readonly expectedAt?: number;
}

/** One rule: data an SRE can read, plus a pure judgement. */
export interface Rule {
  /** PascalCase, prefixed by component: "EtcdQuorumLost". */
  readonly id: string;
  readonly component: Component;
  readonly severity: Severity;
  readonly impact: Impact;
  /** 'expected' for early warnings; absent means 'current'. An expected finding's impact is always 'none'. */
  readonly kind?: FindingKind;
  /** One line saying what the rule watches for. */
  readonly summary: string;
  readonly evaluate: (
    input: ClusterInput,
    derived: Derived,
    config: HawkConfig,
    now: number,
  ) => readonly FindingDraft[];
}

export const ETCDCTL_ENV =
  'ETCDCTL_API=3 etcdctl --cacert=/etc/kubernetes/pki/etcd/ca.crt ' +
  '--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key';

/** etcdctl command with kubeadm's client certificate paths, against every member. */
export function etcdctl(args: string): string {
  return `${ETCDCTL_ENV} ${args}`;
}
