import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CommandLine, commandLine } from './components';
import { type EtcdClusterStatus, EtcdClient } from './etcd-client';
import { type FaultRecord, readFaults } from './fault-log';
import { type AddressGuard, type HttpResponse, type TlsIdentity, httpGet } from './https-client';
import { KubeClient, type Lease } from './kube-client';
import { isHostLinkUp, verifyNetwork } from './network';
import { type LabOptions, kubeadmMade } from './options';
import { type LabPaths, binaryDir } from './paths';
import { nodeDir } from './kubeadm';
import { pkiLayout } from './pki';
import { type ProcessState, processState } from './processes';
import { sleep } from './shell';
import { type LabState, readState } from './state';
import {
  type ComponentInstance,
  type ComponentKind,
  type LabHost,
  type LabTopology,
  type LeaderElectedKind,
  API_PORT,
  ETCD_CLIENT_PORT,
  HAPROXY_STATS_PORT,
  hostOf,
  instance,
  instancesOf,
  planTopology,
} from './topology';

export interface ProcessInfo {
  readonly id: string;
  readonly kind: ComponentKind;
  readonly index: number;
  readonly host: string;
  readonly pid?: number;
  readonly state: ProcessState;
}

export interface LeaseHolder {
  /** holderIdentity as written: `<hostname>_<uuid>`. */
  readonly identity: string;
  /** The host (node) name the identity starts with. */
  readonly node: string;
  readonly instance: ComponentInstance;
  readonly lease: Lease;
}

export interface ApiServerReadiness {
  readonly index: number;
  readonly host: string;
  readonly ip: string;
  readonly ready: boolean;
  readonly detail: string;
}

export interface WaitOptions {
  readonly intervalMs?: number;
  /** Named in the timeout error, so a failing test says what never happened. */
  readonly description?: string;
}

/**
 * LabView is the read-only handle on a running lab: addresses, credentials, clients and observations. Nothing here
 * changes the lab; `LabControl` does, and `Lab` joins both with the faults. Indexes are 1-based: apiserver 2 runs on
 * cp-2.
 */
export class LabView {
  readonly topology: LabTopology;
  private readonly guard: AddressGuard;
  private readonly labIps: ReadonlySet<string>;

  constructor(
    readonly options: LabOptions,
    readonly paths: LabPaths,
    readonly binDir = binaryDir(),
  ) {
    this.topology = planTopology(options);
    this.labIps = new Set(this.topology.hosts.map((h) => h.ip));
    this.guard = (ip) => {
      if (!this.labIps.has(ip)) throw new Error(`refusing to dial ${ip}: not a lab host`);
    };
  }

  // ── addresses and credentials ───────────────────────────

  get kubeconfigPath(): string {
    return this.paths.adminKubeconfig;
  }

  /** Control-plane hosts, in order: cp-1, cp-2, … */
  get nodes(): LabHost[] {
    return this.topology.hosts.filter((h) => h.role === 'control-plane');
  }

  get hasLoadBalancer(): boolean {
    return this.topology.hosts.some((h) => h.role === 'load-balancer');
  }

  /** The API URL in the kubeconfigs: the load balancer, or the single apiserver. */
  get apiServerUrl(): string {
    return `https://${this.topology.apiEndpoint.ip}:${this.topology.apiEndpoint.port}`;
  }

  get etcdEndpoints(): string[] {
    return instancesOf(this.topology, 'etcd').map(
      (m) => `https://${hostOf(this.topology, m.host).ip}:${ETCD_CLIENT_PORT}`,
    );
  }

  get kubeadmMade(): boolean {
    return kubeadmMade(this.options.profile);
  }

  /**
   * A client identity every etcd member accepts: kubeadm's healthcheck-client (on a kubeadm-made lab, the first
   * member's).
   */
  get etcdClientTls(): TlsIdentity {
    if (this.kubeadmMade) {
      const pki = join(nodeDir(this.paths, instancesOf(this.topology, 'etcd')[0]!.host), 'pki', 'etcd');
      return {
        ca: join(pki, 'ca.crt'),
        cert: join(pki, 'healthcheck-client.crt'),
        key: join(pki, 'healthcheck-client.key'),
      };
    }
    const pki = pkiLayout(this.paths.pki);
    return { ca: pki.etcdCa.cert, cert: pki.etcdHealthcheckClient.cert, key: pki.etcdHealthcheckClient.key };
  }

  /** The identity of the admin kubeconfig (kubeadm's admin.conf on a kubeadm-made lab). */
  get adminTls(): TlsIdentity {
    if (this.kubeadmMade) {
      const dir = this.paths.adminPki;
      return { ca: join(dir, 'ca.crt'), cert: join(dir, 'admin.crt'), key: join(dir, 'admin.key') };
    }
    const pki = pkiLayout(this.paths.pki);
    return { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key };
  }

  /** env is what `pnpm lab env` prints, as a map. */
  env(): Record<string, string> {
    const etcd = this.etcdClientTls;
    // A managed control plane gives no etcd access: hawk gets none either.
    const managed = this.options.profile === 'managed-shaped';
    return {
      KUBECONFIG: this.kubeconfigPath,
      HAWK_LAB_LB: this.hasLoadBalancer ? `${this.topology.apiEndpoint.ip}:${this.topology.apiEndpoint.port}` : '',
      HAWK_LAB_API: this.apiServerUrl,
      HAWK_ETCD_ENDPOINTS: managed ? '' : this.etcdEndpoints.join(','),
      HAWK_ETCD_CA: managed ? '' : etcd.ca,
      HAWK_ETCD_CERT: managed ? '' : etcd.cert,
      HAWK_ETCD_KEY: managed ? '' : etcd.key,
      HAWK_LAB_FAULT_LOG: this.paths.faultLog,
    };
  }

  host(name: string): LabHost {
    return hostOf(this.topology, name);
  }

  instance(kind: ComponentKind, index: number): ComponentInstance {
    return instance(this.topology, kind, index);
  }

  // ── clients ─────────────────────────────────

  /** kube is the admin client at the kubeconfig's address (the LB when there is one). */
  kube(): KubeClient {
    return new KubeClient(this.guard, this.adminTls, this.topology.apiEndpoint.ip, this.topology.apiEndpoint.port);
  }

  /** apiserver is the admin client pinned to apiserver `index`, bypassing the LB. */
  apiserver(index: number): KubeClient {
    const host = this.host(this.instance('kube-apiserver', index).host);
    return new KubeClient(this.guard, this.adminTls, host.ip, API_PORT);
  }

  /** kubeAny tries the LB first and then each apiserver, so reads survive a stopped LB or apiserver. */
  async kubeAny<T>(read: (kube: KubeClient) => Promise<T>): Promise<T> {
    const clients = [this.kube(), ...instancesOf(this.topology, 'kube-apiserver').map((c) => this.apiserver(c.index))];
    let lastError: unknown;
    for (const client of clients) {
      try {
        return await read(client);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  etcd(): EtcdClient {
    const endpoints = instancesOf(this.topology, 'etcd').map((m) => ({ name: m.host, ip: this.host(m.host).ip }));
    return new EtcdClient(this.guard, this.etcdClientTls, endpoints);
  }

  // ── observations ───────────────────────────────

  state(): Promise<LabState | undefined> {
    return readState(this.paths.state);
  }

  async processes(): Promise<ProcessInfo[]> {
    const pids = (await this.state())?.pids ?? {};
    return Promise.all(
      this.topology.components.map(async (c) => ({
        id: c.id,
        kind: c.kind,
        index: c.index,
        host: c.host,
        pid: pids[c.id],
        state: await processState(pids[c.id], this.commandLine(c).binary),
      })),
    );
  }

  async processState(c: ComponentInstance): Promise<ProcessState> {
    const pid = (await this.state())?.pids[c.id];
    return processState(pid, this.commandLine(c).binary);
  }

  async apiServerReadiness(): Promise<ApiServerReadiness[]> {
    return Promise.all(
      instancesOf(this.topology, 'kube-apiserver').map(async (c) => {
        const host = this.host(c.host);
        const { ready, detail } = await this.apiserver(c.index).readyz();
        return { index: c.index, host: host.name, ip: host.ip, ready, detail };
      }),
    );
  }

  /**
   * loadBalancerStats is HAProxy's own view of its backends: its stats page as CSV (`status` per server: UP, DOWN,
   * `UP 1/2` while falling…), read from the lab's client address like the lab's other checks. Refused when HAProxy
   * is stopped.
   */
  loadBalancerStats(timeoutMs = 1000): Promise<HttpResponse> {
    return httpGet(this.guard, this.topology.apiEndpoint.ip, HAPROXY_STATS_PORT, '/stats;csv', timeoutMs);
  }

  etcdStatus(): Promise<EtcdClusterStatus> {
    return this.etcd().clusterStatus();
  }

  async lease(kind: LeaderElectedKind): Promise<Lease | undefined> {
    return this.kubeAny((kube) => kube.lease('kube-system', kind));
  }

  /** leaseHolder reads kube-system/<kind> and maps `<hostname>_<uuid>` to the instance on that host. */
  async leaseHolder(kind: LeaderElectedKind): Promise<LeaseHolder | undefined> {
    const lease = await this.lease(kind);
    const identity = lease?.spec.holderIdentity;
    if (!lease || !identity) return undefined;
    const node = identity.split('_')[0] ?? '';
    const holder = instancesOf(this.topology, kind).find((c) => c.host === node);
    if (!holder) throw new Error(`${kind} lease held by ${identity}, which is no lab host`);
    return { identity, node, instance: holder, lease };
  }

  /** etcdLeader is the etcd instance the healthy members name as leader. */
  async etcdLeader(): Promise<ComponentInstance | undefined> {
    const { leader } = await this.etcdStatus();
    return instancesOf(this.topology, 'etcd').find((m) => m.host === leader);
  }

  async isHostConnected(name: string): Promise<boolean> {
    return isHostLinkUp(this.host(name));
  }

  faultLog(): Promise<FaultRecord[]> {
    return readFaults(this.paths.faultLog);
  }

  async logTail(c: ComponentInstance, lines = 40): Promise<string> {
    const text = await readFile(this.logFile(c), 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  /**
   * waitFor polls `predicate` until it returns a truthy value (returned) or `timeoutMs` passes (throws). Errors count
   * as "not yet".
   */
  async waitFor<T>(
    predicate: () => Promise<T> | T,
    timeoutMs: number,
    options: WaitOptions = {},
  ): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = await predicate();
        if (value) return value as NonNullable<T>;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) {
        const why = lastError ? ` (last error: ${(lastError as Error).message})` : '';
        throw new Error(`timed out after ${timeoutMs}ms waiting for ${options.description ?? 'condition'}${why}`);
      }
      await sleep(options.intervalMs ?? 250);
    }
  }

  // ── how components run (read-only) ─────────────────────────

  commandLine(c: ComponentInstance): CommandLine {
    return commandLine(c, this.topology, this.options, this.paths, this.binDir);
  }

  logFile(c: ComponentInstance): string {
    return join(this.paths.logs, `${c.id}.log`);
  }

  /** assertNetwork is the guard before starting anything: every host must be in its namespace on the bridge. */
  async assertNetwork(): Promise<void> {
    const problems = await verifyNetwork(this.topology);
    if (problems.length > 0) throw new Error(`lab network is not in place: ${problems.join('; ')}`);
  }
}
