export type Severity = 'critical' | 'warning' | 'info';
/**
 * 'current': the condition holds now. 'expected': an early warning, nothing is broken yet but the trend says it will
 * be (a certificate's end, etcd's quota, a leader's renewals running late); it never moves the verdict or roots an
 * incident, and screens show it apart from what is broken.
 */
export type FindingKind = 'current' | 'expected';
export type Component =
  | 'apiserver'
  | 'load-balancer'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'leader-election'
  | 'etcd'
  | 'topology'
  | 'cluster'
  | 'hawk';

/** Evidence values are the numbers and names behind a finding, shown verbatim. */
export type Evidence = Readonly<Record<string, string | number | boolean | null>>;

/**
 * One judgement an SRE acts on. `id` is stable while the condition lasts (rule id plus subject),
 * so `since` survives re-evaluation and the timeline can record open and resolve.
 */
export interface Finding {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly kind: FindingKind;
  /** For an expected finding, when the failure it foresees would happen at this rate (epoch ms), when it can say. */
  readonly expectedAt?: number;
  readonly component: Component;
  /** Subject the finding is about (a lease, an instance id, a member name), null for cluster-wide ones. */
  readonly subject: string | null;
  readonly title: string;
  readonly evidence: Evidence;
  /** When the condition was first judged true (epoch ms). */
  readonly since: number;
  readonly remediation: string;
  /** Copyable commands to investigate, e.g. `kubectl -n kube-system get lease kube-scheduler -o yaml`. */
  readonly commands: readonly string[];
  /** The root-cause finding's id when this one follows from it. */
  readonly causedBy: string | null;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };
