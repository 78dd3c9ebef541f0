/** Reads each lab apiserver's own request counter, so hawk's load on the API is measured at the server. */
import { request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * `apiserver_request_total` over every apiserver instance, read directly (not through the LB), by "VERB
 * resource[/subresource]".
 */
export async function apiserverRequestCounters(
  kubeconfigPath: string,
  instances: readonly string[],
): Promise<Map<string, number>> {
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(kubeconfigPath);
  const tls: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string } = {};
  await kubeconfig.applyToHTTPSOptions(tls as never);
  const byKind = new Map<string, number>();
  for (const base of instances) {
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(`${base}/metrics`, { ...tls, timeout: 5000 }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    for (const line of text.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1] ?? '';
      const resource = label('resource')
        ? `${label('resource')}${label('subresource') ? `/${label('subresource')}` : ''}`
        : 'non-resource (health, metrics)';
      const kind = `${label('verb')} ${resource}`;
      byKind.set(kind, (byKind.get(kind) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  return byKind;
}

/** Sums `apiserver_request_total` over every apiserver instance. */
export async function apiserverRequestTotal(kubeconfigPath: string, instances: readonly string[]): Promise<number> {
  return [...(await apiserverRequestCounters(kubeconfigPath, instances)).values()].reduce(
    (sum, value) => sum + value,
    0,
  );
}
