/**
 * One elector on a Lease, in a process of its own so a test can SIGKILL it. Reads KUBECONFIG,
 * LEASE_NAMESPACE, LEASE_NAME, IDENTITY and ELECTION (JSON timings); prints a JSON line on each change.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { createElector } from '../../../src/replication/elector';
import { createLeaseLockFromKubeConfig } from '../../../src/replication/lease-lock';

const kubeconfig = new KubeConfig();
kubeconfig.loadFromFile(process.env.KUBECONFIG!);
const lock = createLeaseLockFromKubeConfig(kubeconfig, {
  namespace: process.env.LEASE_NAMESPACE!,
  name: process.env.LEASE_NAME!,
});
const elector = createElector(lock, {
  ...JSON.parse(process.env.ELECTION!),
  identity: process.env.IDENTITY!,
  log: { warn: (details, message) => console.error(message, details) },
});
elector.onChange((leading) => console.log(JSON.stringify({ leading, at: Date.now() })));
await elector.start();
console.log(JSON.stringify({ started: true }));
setInterval(() => undefined, 60_000);
