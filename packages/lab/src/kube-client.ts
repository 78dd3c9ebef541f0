import {
  type AddressGuard,
  type HttpResponse,
  type RequestOptions,
  type TlsIdentity,
  httpsRequest,
} from './https-client';

/** Lease is the part of coordination.k8s.io/v1 Lease the lab reads. */
export interface Lease {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly resourceVersion?: string;
  };
  readonly spec: {
    readonly holderIdentity?: string;
    readonly leaseDurationSeconds?: number;
    readonly renewTime?: string;
    readonly acquireTime?: string;
    readonly leaseTransitions?: number;
    readonly strategy?: string;
  };
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`${path}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

/** KubeClient is the lab's own apiserver client: plain HTTPS with the admin certificate, to one address. */
export class KubeClient {
  constructor(
    private readonly guard: AddressGuard,
    private readonly tls: TlsIdentity,
    readonly ip: string,
    readonly port: number,
  ) {}

  raw(path: string, options?: RequestOptions): Promise<HttpResponse> {
    return httpsRequest(this.guard, this.tls, this.ip, this.port, path, options);
  }

  async json<T>(path: string, options?: RequestOptions): Promise<T> {
    const res = await this.raw(path, options);
    if (res.status < 200 || res.status >= 300) throw new KubeApiError(res.status, path, res.body);
    return JSON.parse(res.body) as T;
  }

  /** createIfAbsent POSTs and returns the existing object on 409, which makes registration idempotent. */
  async createIfAbsent<T>(collectionPath: string, name: string, object: unknown): Promise<T> {
    const res = await this.raw(collectionPath, { method: 'POST', body: object });
    if (res.status === 409) return this.json<T>(`${collectionPath}/${name}`);
    if (res.status < 200 || res.status >= 300) throw new KubeApiError(res.status, collectionPath, res.body);
    return JSON.parse(res.body) as T;
  }

  async mergePatch<T>(path: string, patch: unknown): Promise<T> {
    return this.json<T>(path, { method: 'PATCH', body: patch, contentType: 'application/merge-patch+json' });
  }

  /** readyz is true only for HTTP 200: the apiserver's own judgement, including its etcd check. */
  async readyz(timeoutMs = 2_000): Promise<{ ready: boolean; detail: string }> {
    try {
      const res = await this.raw('/readyz', { timeoutMs });
      return { ready: res.status === 200, detail: res.status === 200 ? 'ok' : `HTTP ${res.status}` };
    } catch (error) {
      return { ready: false, detail: (error as Error).message };
    }
  }

  async lease(namespace: string, name: string): Promise<Lease | undefined> {
    const res = await this.raw(`/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${name}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new KubeApiError(res.status, `lease ${namespace}/${name}`, res.body);
    return JSON.parse(res.body) as Lease;
  }

  async leases(namespace: string, labelSelector?: string): Promise<Lease[]> {
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    return (await this.json<{ items: Lease[] }>(`/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases${query}`))
      .items;
  }
}
