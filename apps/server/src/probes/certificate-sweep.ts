import type { ApiServerInstance, CertificateRole, ObservedCertificate } from '@hawk/core';
import { instanceBase, type KubeClient } from '../clusters/kube-client';
import type { EtcdTransport } from '../clusters/etcd-transport';
import type { CertificateFacts } from '../clusters/peer-certificate';
import type { Logger } from '../logger';
import { describeError } from '../util/describe-error';

export interface CertificateSweepTargets {
  readonly kube: KubeClient | null;
  readonly etcd: EtcdTransport | null;
  /** The apiserver instances known now (from the EndpointSlice and identity Leases). */
  readonly instances: readonly ApiServerInstance[];
  /** Names hawk's own credential in a finding: the kubeconfig context it came with. */
  readonly context: string;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * sweepCertificates reads every certificate hawk can see of one cluster, all at once: the front door's, each
 * apiserver instance's and each etcd member's from a bare TLS handshake, and hawk's own client certificate. An
 * address that does not answer is left out (the probes already say it is down); what it served before is kept by
 * the fold, since its certificate still ends on the same day. `tried` names every place asked, answered or not.
 */
export async function sweepCertificates(
  targets: CertificateSweepTargets,
): Promise<{ read: ObservedCertificate[]; tried: Set<string> }> {
  const { kube, etcd, timeoutMs } = targets;
  const reads: { role: CertificateRole; seenAt: string; read: () => Promise<CertificateFacts | null> }[] = [];
  if (kube) {
    reads.push({
      role: 'front-door',
      seenAt: kube.server,
      read: () => kube.servingCertificate(kube.server, timeoutMs),
    });
    for (const instance of targets.instances) {
      if (instance.address === null || instance.port === null) continue;
      const base = instanceBase(instance.address, instance.port);
      reads.push({ role: 'apiserver', seenAt: instance.id, read: () => kube.servingCertificate(base, timeoutMs) });
    }
    reads.push({
      role: 'client',
      seenAt: `kubeconfig context ${targets.context}`,
      read: () => kube.clientCertificate(),
    });
  }
  for (const endpoint of etcd?.endpoints ?? [])
    reads.push({ role: 'etcd', seenAt: endpoint, read: () => etcd!.servingCertificate(endpoint, timeoutMs) });

  const settled = await Promise.allSettled(reads.map(({ read }) => read()));
  const read = settled.flatMap((outcome, index): ObservedCertificate[] => {
    const { role, seenAt } = reads[index]!;
    if (outcome.status === 'rejected') {
      targets.logger.debug({ seenAt, error: describeError(outcome.reason) }, 'certificate not read');
      return [];
    }
    if (outcome.value === null) return [];
    return [{ role, seenAt, ...outcome.value, observedAt: targets.now() }];
  });
  return { read, tried: new Set(reads.map(({ seenAt }) => seenAt)) };
}
