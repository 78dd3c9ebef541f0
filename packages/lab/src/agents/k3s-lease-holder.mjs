// Holds kube-system Leases the way a k3s server holds `k3s` and `k3s-etcd`: holderIdentity is the bare node name
// (no `_<uuid>`), renewed every retry period. The k3s-shaped lab runs one per control-plane node, in the node's
// network namespace against its own apiserver, so a node cut off or an apiserver stopped lets the lease go stale or
// move, as with k3s. Plain Node, no dependencies: it runs detached, outside the lab's TypeScript toolchain.
//
// usage: node k3s-lease-holder.mjs <apiserver-url> <ca> <cert> <key> <node-name> <lease>...
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { URL } from 'node:url';

// wrangler's leader election, which k3s uses (LeaseDuration 45 s, RenewDeadline 30 s, RetryPeriod 2 s).
const LEASE_DURATION_SECONDS = 45;
const RETRY_MS = 2_000;

const [server, caFile, certFile, keyFile, holder, ...leases] = process.argv.slice(2);
if (!server || !holder || leases.length === 0) {
  console.error('usage: k3s-lease-holder.mjs <apiserver-url> <ca> <cert> <key> <node-name> <lease>...');
  process.exit(2);
}
const tls = { ca: readFileSync(caFile), cert: readFileSync(certFile), key: readFileSync(keyFile) };

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        ...tls,
        agent: false,
        timeout: 3_000,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** MicroTime as the API writes it: RFC 3339 with microseconds. */
const microNow = () => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

async function holdOnce(name) {
  const path = `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`;
  const now = microNow();
  const got = await call('GET', path);
  if (got.status === 404) {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-system' },
      spec: {
        holderIdentity: holder,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
    const created = await call('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', lease);
    if (created.status >= 300 && created.status !== 409) throw new Error(`create ${name}: HTTP ${created.status}`);
    return;
  }
  if (got.status !== 200) throw new Error(`get ${name}: HTTP ${got.status}`);
  const lease = JSON.parse(got.body);
  const spec = lease.spec ?? {};
  const expired =
    !spec.renewTime ||
    Date.now() - Date.parse(spec.renewTime) > (spec.leaseDurationSeconds ?? LEASE_DURATION_SECONDS) * 1000;
  if (spec.holderIdentity !== holder && !expired) return; // another node holds it: stand by, as a k3s server does
  if (spec.holderIdentity !== holder) {
    spec.holderIdentity = holder;
    spec.acquireTime = now;
    spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
  }
  spec.renewTime = now;
  spec.leaseDurationSeconds = LEASE_DURATION_SECONDS;
  const put = await call('PUT', path, { ...lease, spec });
  if (put.status >= 300 && put.status !== 409) throw new Error(`renew ${name}: HTTP ${put.status}`);
}

async function loop() {
  for (const name of leases) {
    await holdOnce(name).catch((error) => console.error(`${new Date().toISOString()} ${name}: ${error.message}`));
  }
  setTimeout(loop, RETRY_MS);
}
void loop();
