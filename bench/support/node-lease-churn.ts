/**
 * Creates N node Leases in kube-node-lease and renews each every 10 s, as N kubelets would. hawk
 * must not watch that namespace, so its CPU must not move.
 */
import { KubeConfig, CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';

export async function startNodeLeaseChurn(
  kubeconfigPath: string,
  count: number,
  renewEveryMs = 10_000,
): Promise<{ stop(): Promise<void>; renewals(): number }> {
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(kubeconfigPath);
  const api = kubeconfig.makeApiClient(CoordinationV1Api);
  const namespace = 'kube-node-lease';
  const names = Array.from({ length: count }, (_, i) => `hawk-bench-node-${String(i).padStart(4, '0')}`);
  const body = (name: string): V1Lease => ({
    metadata: { name, namespace },
    spec: { holderIdentity: name, leaseDurationSeconds: 40 },
  });
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(
      names
        .slice(i, i + 50)
        .map((name) =>
          api
            .createNamespacedLease({ namespace, body: body(name) })
            .catch(() => api.replaceNamespacedLease({ name, namespace, body: body(name) })),
        ),
    );
  }
  let renewals = 0;
  let cursor = 0;
  // Spread renewals evenly: count/(renewEvery/100ms) leases every 100 ms.
  const perTick = Math.max(1, Math.ceil(count / (renewEveryMs / 100)));
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const name = names[cursor++ % names.length]!;
      api
        .patchNamespacedLease({
          name,
          namespace,
          body: [{ op: 'replace', path: '/spec/renewTime', value: new Date().toISOString().replace('Z', '000Z') }],
        })
        .then(
          () => (renewals += 1),
          () => undefined,
        );
    }
  }, 100);
  return {
    renewals: () => renewals,
    async stop() {
      clearInterval(timer);
      for (let i = 0; i < names.length; i += 50)
        await Promise.all(
          names.slice(i, i + 50).map((name) => api.deleteNamespacedLease({ name, namespace }).catch(() => undefined)),
        );
    },
  };
}
