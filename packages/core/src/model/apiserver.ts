/** Result of probing one HTTP endpoint of an apiserver (or the load balancer). */
export interface ProbeResult {
  /** When the probe finished (epoch ms, hawk's clock). */
  readonly at: number;
  readonly ok: boolean;
  /** HTTP status, null when no response (refused, timeout, TLS error). */
  readonly httpStatus: number | null;
  readonly latencyMs: number | null;
  /** Names of failing checks from `/readyz?verbose` ("etcd", "poststarthook/…"). */
  readonly failedChecks: readonly string[];
  readonly error: string | null;
}

export interface EndpointHealth {
  readonly livez: ProbeResult | null;
  readonly readyz: ProbeResult | null;
  /** When both probes last succeeded (epoch ms). */
  readonly lastOkAt: number | null;
  /** When the current run of successes began (epoch ms); null while failing. */
  readonly okSince: number | null;
  /**
   * When the current run of failures began: the first failed probe's answer (epoch ms); null while ok. Absent
   * where no probe history is kept (fixtures): readers fall back to lastOkAt.
   */
  readonly failingSince?: number | null;
}

/** One kube-apiserver instance, found through the EndpointSlice and/or its identity Lease. */
export interface ApiServerInstance {
  /** Stable key: "host:port" of the endpoint address, or "identity:<lease name>" when only the lease is known. */
  readonly id: string;
  readonly address: string | null;
  readonly port: number | null;
  /** Hostname from the identity lease label `kubernetes.io/hostname`, or the node name. */
  readonly host: string | null;
  readonly node: string | null;
  readonly inEndpointSlice: boolean;
  /** Name of the identity Lease (apiserver-<hash>) if one was matched. */
  readonly identityLease: string | null;
  /** hawk's clock at the identity lease's last observed renewal (judged by renewal, not its 1 h duration). */
  readonly identityRenewedAt: number | null;
  readonly health: EndpointHealth;
}

/** The address kubeconfig points at: a load balancer, or a single apiserver instance. */
export interface ApiServerFrontDoor {
  readonly url: string;
  /** 'load-balancer' when the address is none of the instances' addresses, 'instance' when it is one of them. */
  readonly kind: 'load-balancer' | 'instance' | 'unknown';
  readonly health: EndpointHealth;
}
