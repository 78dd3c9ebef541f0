/**
 * hawk's web entry point in production: one origin for the page, the REST API, the docs and the socket.
 * Next's standalone server renders the page on a loopback port; this server, on the public PORT, sends
 * /api/*, /socket.io/* (websocket upgrades included) and /docs* to the backend named at run time by
 * HAWK_API_URL, and everything else to Next. Next's rewrites are not used for this: they are frozen into
 * the build's routes manifest (so one image could not serve another backend address), and they do not
 * carry websocket upgrades in a standalone server.
 *
 * The Host header is passed through unchanged, so the backend's same-origin check (Origin's host ==
 * Host) and its DNS-rebinding guard see what the browser sent.
 *
 * Identity headers (X-Auth-Request-User and the like) pass only from clients in HAWK_WEB_TRUSTED_PROXY_CIDRS
 * (an oauth2-proxy or ingress in front of the web); X-Forwarded-For is replaced by the client the web vouches
 * for (web-proxy.ts). HAWK_WEB_FRAME_ANCESTORS lets wall displays frame the pages (CSP frame-ancestors).
 *
 * Bundled by scripts/finish-build.ts into the standalone output as hawk-web.js, beside Next's server.js.
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { parseBackendList, watchBackends } from './backends';
import { createWebProxy } from './web-proxy';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOSTNAME ?? '0.0.0.0';
const backends = watchBackends(parseBackendList(process.env.HAWK_API_URL ?? 'http://127.0.0.1:4000'));

/** A free loopback port for Next, so two webs on one host (tests, a developer's) never collide. */
async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port: free } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

const nextPort = Number(process.env.HAWK_NEXT_PORT) || (await freeLoopbackPort());
const { serve, upgrade } = createWebProxy({
  backends,
  nextTarget: new URL(`http://127.0.0.1:${nextPort}`),
  trustedClients: process.env.HAWK_WEB_TRUSTED_PROXY_CIDRS,
  identityHeader: process.env.HAWK_TRUSTED_PROXY_HEADER?.toLowerCase(),
  frameAncestors: process.env.HAWK_WEB_FRAME_ANCESTORS,
});

// Next's standalone server reads PORT and HOSTNAME when it loads: point them at the loopback port first.
process.env.PORT = String(nextPort);
process.env.HOSTNAME = '127.0.0.1';
await import(pathToFileURL(join(import.meta.dirname, 'server.js')).href);

const server = createServer(serve);
server.on('upgrade', upgrade);
// socket.io's long-poll holds a request ~25 s: keep idle connections well beyond that.
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => {
  console.log(
    `[hawk-web] serving on http://${host}:${port}; backend${backends.status().length > 1 ? 's' : ''} ${backends
      .status()
      .map((b) => b.url)
      .join(', ')}`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    backends.stop();
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
