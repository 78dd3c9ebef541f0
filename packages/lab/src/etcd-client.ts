import { type AddressGuard, type TlsIdentity, httpsRequest } from './https-client';
import { ETCD_CLIENT_PORT } from './topology';

/** EtcdMember is one entry of the member list, with ids kept as the uint64 decimal strings the JSON gateway sends. */
export interface EtcdMember {
  readonly id: string;
  readonly name: string;
  readonly clientUrls: readonly string[];
  readonly peerUrls: readonly string[];
}

/** EtcdMemberStatus is one member's own answer to maintenance/status, or why it gave none. */
export interface EtcdMemberStatus {
  readonly name: string;
  readonly ip: string;
  readonly healthy: boolean;
  readonly memberId?: string;
  readonly leaderId?: string;
  readonly raftTerm?: string;
  readonly version?: string;
  readonly error?: string;
}

export interface EtcdClusterStatus {
  readonly members: readonly EtcdMember[];
  readonly statuses: readonly EtcdMemberStatus[];
  /** Name of the member that a healthy member names as leader; undefined when none does. */
  readonly leader?: string;
  readonly healthyCount: number;
  readonly quorum: number;
  readonly hasQuorum: boolean;
}

interface StatusResponse {
  header?: { member_id?: string };
  leader?: string;
  raftTerm?: string;
  version?: string;
}
interface MemberListResponse {
  members?: { ID?: string; name?: string; clientURLs?: string[]; peerURLs?: string[] }[];
}

/** EtcdClient talks to etcd through its JSON gateway with a client certificate the members accept. */
export class EtcdClient {
  constructor(
    private readonly guard: AddressGuard,
    private readonly tls: TlsIdentity,
    private readonly endpoints: readonly { name: string; ip: string }[],
  ) {}

  private async post<T>(ip: string, path: string, timeoutMs?: number): Promise<T> {
    const res = await httpsRequest(this.guard, this.tls, ip, ETCD_CLIENT_PORT, path, {
      method: 'POST',
      body: {},
      timeoutMs,
    });
    if (res.status !== 200) throw new Error(`etcd ${ip} ${path}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    return JSON.parse(res.body) as T;
  }

  async memberStatus(endpoint: { name: string; ip: string }): Promise<EtcdMemberStatus> {
    try {
      const s = await this.post<StatusResponse>(endpoint.ip, '/v3/maintenance/status', 2_000);
      // /health on the client port, with the client certificate: kubeadm binds the plain metrics port to 127.0.0.1.
      const health = await httpsRequest(this.guard, this.tls, endpoint.ip, ETCD_CLIENT_PORT, '/health', {
        timeoutMs: 2_000,
      }).catch(() => undefined);
      const healthy = health?.status === 200 && /"health":\s*"true"/.test(health.body);
      return {
        ...endpoint,
        healthy,
        memberId: s.header?.member_id,
        leaderId: s.leader,
        raftTerm: s.raftTerm,
        version: s.version,
      };
    } catch (error) {
      return { ...endpoint, healthy: false, error: (error as Error).message };
    }
  }

  async memberList(): Promise<EtcdMember[]> {
    let lastError: unknown;
    for (const endpoint of this.endpoints) {
      try {
        const res = await this.post<MemberListResponse>(endpoint.ip, '/v3/cluster/member/list', 2_000);
        return (res.members ?? []).map((m) => ({
          id: m.ID ?? '',
          name: m.name ?? '',
          clientUrls: m.clientURLs ?? [],
          peerUrls: m.peerURLs ?? [],
        }));
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`no etcd member answered member/list: ${(lastError as Error | undefined)?.message}`);
  }

  async clusterStatus(): Promise<EtcdClusterStatus> {
    const [statuses, members] = await Promise.all([
      Promise.all(this.endpoints.map((e) => this.memberStatus(e))),
      this.memberList().catch(() => [] as EtcdMember[]),
    ]);
    const leaderId = statuses.find((s) => s.healthy && s.leaderId && s.leaderId !== '0')?.leaderId;
    const leader = members.find((m) => m.id === leaderId)?.name ?? statuses.find((s) => s.memberId === leaderId)?.name;
    const healthyCount = statuses.filter((s) => s.healthy).length;
    const quorum = Math.floor(this.endpoints.length / 2) + 1;
    return { members, statuses, leader, healthyCount, quorum, hasQuorum: healthyCount >= quorum };
  }
}
