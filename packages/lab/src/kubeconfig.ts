import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { CertPair } from './pki';

const base64File = async (path: string) => (await readFile(path)).toString('base64');

/** writeKubeconfig writes a kubeconfig with embedded credentials, as kubeadm does, so it can be copied anywhere. */
export async function writeKubeconfig(
  path: string,
  server: string,
  caCert: string,
  user: string,
  client: CertPair,
): Promise<void> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'hawk-lab', cluster: { server, 'certificate-authority-data': await base64File(caCert) } }],
    users: [
      {
        name: user,
        user: {
          'client-certificate-data': await base64File(client.cert),
          'client-key-data': await base64File(client.key),
        },
      },
    ],
    contexts: [{ name: `${user}@hawk-lab`, context: { cluster: 'hawk-lab', user } }],
    'current-context': `${user}@hawk-lab`,
    preferences: {},
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}
