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
 * Bundled by scripts/finish-build.ts into the standalone output as hawk-web.js, beside Next's server.js.
 */
import { createServer, ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { createProxyServer } from 'http-proxy-3';
import { parseBackendList, watchBackends } from './backends';

const BACKEND_PATH = /^\/(api|socket\.io)(\/|$)|^\/docs(\/|$|\?)/;

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
const nextTarget = new URL(`http://127.0.0.1:${nextPort}`);

// xfwd: the backend logs and rate-limits by X-Forwarded-For only if told to trust this hop; the header costs nothing.
const proxy = createProxyServer({ xfwd: true });

/** A failed hop answers 502 (or drops the socket) and takes a failing backend out of rotation until /livez answers. */
function onProxyError(target: URL, request: IncomingMessage, response: ServerResponse | Socket) {
  return (error: Error) => {
    if (target !== nextTarget) backends.markDown(target);
    console.error(`[hawk-web] ${request.method} ${request.url} to ${target.origin}: ${error.message}`);
    if (response instanceof ServerResponse) {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('hawk backend unreachable\n');
    } else {
      response.destroy();
    }
  };
}

function serve(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  if (url === '/healthz') {
    // The web's own liveness, with the backend it would use: for container health checks and operators.
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ live: true, backends: backends.status(), current: backends.current().origin }));
    return;
  }
  const target = BACKEND_PATH.test(url) ? backends.current() : nextTarget;
  proxy.web(request, response, { target }, onProxyError(target, request, response));
}

function upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  // Only the socket is a websocket: Next's production server takes no upgrades.
  if (!BACKEND_PATH.test(request.url ?? '/')) {
    socket.destroy();
    return;
  }
  const target = backends.current();
  proxy.ws(request, socket, head, { target }, onProxyError(target, request, socket));
}

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
