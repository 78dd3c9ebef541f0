import { judgeCertificates } from '../certificates/expiry';
import type { HawkConfig } from '../config';
import { judgeEtcdDb } from '../etcd/db-use';
import { computeQuorum } from '../etcd/quorum';
import { judgeLease } from '../lease/status';
import type { ApiServerInstance, ProbeResult } from '../model/apiserver';
import type { CertificateExpiry } from '../model/certificate';
import type { ClusterInput } from '../model/cluster';
import type { EtcdDbUse, QuorumView } from '../model/etcd';
import { NEVER_SEEN, type Freshness } from '../model/freshness';
import type { LeaseView } from '../model/lease';

/** What every rule needs judged once from the input: lease statuses, quorum, etcd DB use, who serves. */
export interface Derived {
  /** Leases judged at `now`, sorted by key. */
  readonly leases: readonly LeaseView[];
  readonly quorum: QuorumView;
  /** Each member's DB size against the quota, judged with the configured ratios. */
  readonly etcdDb: readonly EtcdDbUse[];
  /** Instances serving now; empty when the probes are not live (see `probesLive`). */
  readonly serving: readonly ApiServerInstance[];
  /** Probe results are current: without that, no instance is called down. */
  readonly probesLive: boolean;
  /** etcd reads are current and come from somewhere. */
  readonly etcdLive: boolean;
  /** Every certificate hawk read, judged against its end: soonest first. */
  readonly certificates: readonly CertificateExpiry[];
}

export function isLive(freshness: Freshness | undefined): boolean {
  return freshness?.state === 'live';
}

/**
 * isServing: an instance with an address serves when its last /readyz and /livez (if probed) passed;
 * one known only by its identity lease serves while that lease is renewed.
 */
export function isServing(instance: ApiServerInstance, config: HawkConfig, now: number): boolean {
  if (instance.address === null)
    return instance.identityRenewedAt !== null && now - instance.identityRenewedAt <= config.identityRenewStaleMs;
  const { readyz, livez } = instance.health;
  return readyz?.ok === true && livez?.ok !== false;
}

/**
 * connectionRefused: nothing listened at the address, so whatever is there is gone. Any other failure at a load
 * balancer may be an instance behind it, relayed (an HTTP error, a reset, a timeout).
 */
export const connectionRefused = (probe: ProbeResult): boolean => /refused/i.test(probe.error ?? '');

export function deriveCluster(input: ClusterInput, config: HawkConfig, now: number): Derived {
  const watch = input.sources.leases ?? NEVER_SEEN;
  const leases = Object.keys(input.leases)
    .sort()
    .map((key) => judgeLease(input.leases[key]!, now, watch, config));
  const probesLive = isLive(input.sources['apiserver-probes']);
  return {
    leases,
    quorum: computeQuorum(input.etcd.members, now, config),
    etcdDb: judgeEtcdDb(input.etcd, config, input.etcdDbSamples),
    serving: probesLive ? input.apiServers.filter((instance) => isServing(instance, config, now)) : [],
    probesLive,
    etcdLive: input.etcd.source !== 'none' && isLive(input.etcd.freshness),
    certificates: judgeCertificates(input.certificates ?? [], config, now),
  };
}
