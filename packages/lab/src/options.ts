/** Leader-election timings passed to every controller-manager and scheduler, in seconds. */
export interface LeaderElectionTimings {
  /** How long a standby waits after the last observed renewal before taking over. Default 15 (upstream). */
  readonly leaseDurationSeconds: number;
  /** How long the leader keeps retrying a renewal before it gives up leadership. Default 10 (upstream). */
  readonly renewDeadlineSeconds: number;
  /** Interval between acquire/renew attempts. Default 2 (upstream). */
  readonly retryPeriodSeconds: number;
}

export type EtcdTopology = 'stacked' | 'external';

/**
 * How the control plane is made and what it shows through the API:
 * - `kubeadm`: kubeadm writes certificates, kubeconfigs and static-pod manifests; the lab runs the manifests' commands
 *   unchanged (controller-manager and scheduler bound to 127.0.0.1, etcd metrics on 127.0.0.1:2381) and registers
 *   their mirror Pods.
 * - `kubeadm-bind-all`: the same with `bind-address=0.0.0.0` for controller-manager and scheduler.
 * - `k3s-shaped`: kubeadm-made processes, shown as k3s shows its control plane: no control-plane Pods, etcd members
 *   as Nodes labelled `node-role.kubernetes.io/etcd=true` (annotation `etcd.k3s.cattle.io/node-name`), Leases `k3s`
 *   and `k3s-etcd` held by bare node names. The version string stays upstream's (no `+k3s`).
 * - `managed-shaped`: kubeadm-made processes, shown as a managed service shows them: no control-plane Pods or Nodes,
 *   no kubeadm-config, apiservers and etcd refusing every client but the LB (and the lab's own checks).
 * - `hand-made`: the lab's own certificates and flags (every port on every address), from before kubeadm.
 */
export type LabProfile = 'kubeadm' | 'kubeadm-bind-all' | 'k3s-shaped' | 'managed-shaped' | 'hand-made';

export const LAB_PROFILES: readonly LabProfile[] = [
  'kubeadm',
  'kubeadm-bind-all',
  'k3s-shaped',
  'managed-shaped',
  'hand-made',
];

/** Whether the processes run kubeadm's manifests (every profile but the hand-made one). */
export const kubeadmMade = (profile: LabProfile): boolean => profile !== 'hand-made';

/**
 * Whether the API shows what kubeadm's kubelets and `kubeadm init` publish: mirror Pods and kube-system/kubeadm-config.
 */
export const showsKubeadm = (profile: LabProfile): boolean => profile === 'kubeadm' || profile === 'kubeadm-bind-all';

/**
 * The profile a lab gets when none is asked for: HAWK_LAB_PROFILE (so a whole test run can go on another profile,
 * e.g. `HAWK_LAB_PROFILE=hand-made`), else kubeadm's, the control plane most clusters run; every lab and scenario
 * test is green on it (root README, "kubeadm as the lab").
 */
export const DEFAULT_PROFILE: LabProfile = (process.env.HAWK_LAB_PROFILE as LabProfile | undefined) || 'kubeadm';

/** LabOptions describe one lab; two labs with equal options are the same lab. */
export interface LabOptions {
  /** How the control plane is made and what the API shows of it. Default DEFAULT_PROFILE. */
  readonly profile: LabProfile;
  /**
   * Control-plane nodes (apiserver, controller-manager, scheduler each). Default 3; 1 gives a single-master lab without
   * a load balancer.
   */
  readonly nodes: number;
  /**
   * 'stacked' puts member i on node i (extra members on dedicated etcd hosts); 'external' puts every member on its own
   * host. Default 'stacked'.
   */
  readonly etcdTopology: EtcdTopology;
  /** etcd member count, even counts allowed. Default: one per node. */
  readonly etcdMembers: number;
  /** Serve coordination.k8s.io/v1beta1 LeaseCandidates and let the apiserver pick leaders. Default false. */
  readonly coordinatedLeaderElection: boolean;
  readonly leaderElection: LeaderElectionTimings;
  /** 'spread' labels nodes zone-a, zone-b, …; 'single' puts all in zone-a. Default 'spread'. */
  readonly zones: 'spread' | 'single';
}

export type LabOptionsInput = Partial<Omit<LabOptions, 'leaderElection'>> & {
  readonly leaderElection?: Partial<LeaderElectionTimings>;
};

export const UPSTREAM_LEADER_ELECTION: LeaderElectionTimings = {
  leaseDurationSeconds: 15,
  renewDeadlineSeconds: 10,
  retryPeriodSeconds: 2,
};

/** Timings electors run with in the field, by name: `pnpm lab up --elector openshift`. */
export const ELECTOR_TIMINGS = {
  kube: UPSTREAM_LEADER_ELECTION,
  /** OpenShift's kube-controller-manager and kube-scheduler. */
  openshift: { leaseDurationSeconds: 137, renewDeadlineSeconds: 107, retryPeriodSeconds: 26 },
  /** cert-manager and most operators. */
  operators: { leaseDurationSeconds: 60, renewDeadlineSeconds: 40, retryPeriodSeconds: 15 },
} as const satisfies Record<string, LeaderElectionTimings>;

export type ElectorTimingsName = keyof typeof ELECTOR_TIMINGS;

/** client-go's JitterFactor: renewDeadline must exceed retryPeriod times this. */
const LEADER_ELECTION_JITTER = 1.2;
/** The address plan has room for nine hosts of each role. */
const MAX_HOSTS_PER_ROLE = 9;

/** resolveLabOptions fills defaults and validates relations between fields once, returning an error list. */
export function resolveLabOptions(input: LabOptionsInput = {}): { options: LabOptions; errors: string[] } {
  const nodes = input.nodes ?? 3;
  const options: LabOptions = {
    profile: input.profile ?? DEFAULT_PROFILE,
    nodes,
    etcdTopology: input.etcdTopology ?? 'stacked',
    etcdMembers: input.etcdMembers ?? nodes,
    coordinatedLeaderElection: input.coordinatedLeaderElection ?? false,
    leaderElection: { ...UPSTREAM_LEADER_ELECTION, ...input.leaderElection },
    zones: input.zones ?? 'spread',
  };
  const errors: string[] = [];
  if (!LAB_PROFILES.includes(options.profile))
    errors.push(`profile must be one of ${LAB_PROFILES.join(', ')}, got ${options.profile}`);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_HOSTS_PER_ROLE)
    errors.push(`nodes must be 1..${MAX_HOSTS_PER_ROLE}, got ${nodes}`);
  const members = options.etcdMembers;
  if (!Number.isInteger(members) || members < 1 || members > MAX_HOSTS_PER_ROLE)
    errors.push(`etcdMembers must be 1..${MAX_HOSTS_PER_ROLE}, got ${members}`);
  const {
    leaseDurationSeconds: lease,
    renewDeadlineSeconds: renew,
    retryPeriodSeconds: retry,
  } = options.leaderElection;
  if (!(retry > 0)) errors.push(`retryPeriodSeconds must be > 0, got ${retry}`);
  if (!(renew > retry * LEADER_ELECTION_JITTER))
    errors.push(
      `renewDeadlineSeconds (${renew}) must exceed retryPeriodSeconds × ${LEADER_ELECTION_JITTER} ` +
        `(${retry * LEADER_ELECTION_JITTER})`,
    );
  if (!(lease > renew)) errors.push(`leaseDurationSeconds (${lease}) must exceed renewDeadlineSeconds (${renew})`);
  return { options, errors };
}

/** mustResolveLabOptions is resolveLabOptions for boot paths: it throws on invalid options. */
export function mustResolveLabOptions(input: LabOptionsInput = {}): LabOptions {
  const { options, errors } = resolveLabOptions(input);
  if (errors.length > 0) throw new Error(`invalid lab options: ${errors.join('; ')}`);
  return options;
}

/** sameLab says whether a running lab built from `a` is the lab `b` asks for. */
export function sameLab(a: LabOptions, b: LabOptions): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(o: LabOptions): unknown[] {
  const le = o.leaderElection;
  return [
    o.profile,
    o.nodes,
    o.etcdTopology,
    o.etcdMembers,
    o.coordinatedLeaderElection,
    le.leaseDurationSeconds,
    le.renewDeadlineSeconds,
    le.retryPeriodSeconds,
    o.zones,
  ];
}
