import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  ErrorMessage,
  OverviewMessage,
  PatchMessage,
  ServerToClientEvents,
  Subscription,
  TimelineEvent,
} from '@hawk/core';
import type { Logger } from '../logger';
import type { Authenticator } from '../security/authenticator';
import type { ClientAddressing } from '../security/client-address';
import { KeyedBudget, KeyedCount } from './client-limits';
import type { RequestOriginPolicy } from '../security/request-origin';
import { ResyncFrame, SubscriptionFrame } from './client-frames';
import type { VersionedStates } from './versioned-states';
import { SERVER_DEFAULTS } from '../defaults';

export interface SocketServerOptions {
  readonly states: VersionedStates;
  /** Checks the handshake: `auth.token`, or the trusted proxy's header from a trusted peer. Open when absent. */
  readonly authenticator?: Authenticator;
  /** Which pages may connect: checked on every socket.io request, the WebSocket upgrade included. */
  readonly origins: RequestOriginPolicy;
  /** Subscriptions one socket may hold: bounds the rooms a client can make us fill. Unset limits: SERVER_DEFAULTS. */
  readonly maxSubscriptions?: number;
  /** Largest frame a client may send, in bytes: client frames are tiny. */
  readonly maxFrameBytes?: number;
  /** Who a handshake stands for (X-Forwarded-For from hawk's web only); default the TCP peer. */
  readonly clients?: ClientAddressing;
  /** Sockets one client may hold open at once (a few tabs and wall screens). */
  readonly maxSocketsPerClient?: number;
  /** New sessions one client may open per minute, beyond a burst of as many. */
  readonly handshakesPerMinute?: number;
  /** Snapshots (subscribe or resync: each a whole cluster state) one client may ask for per minute. */
  readonly snapshotsPerMinute?: number;
  readonly log: Pick<Logger, 'warn'> & Partial<Pick<Logger, 'debug'>>;
}

/** The push side of hawk: who is connected, and what goes to which room. */
export interface PushServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  broadcastPatch(patch: PatchMessage): void;
  broadcastOverview(overview: OverviewMessage): void;
  broadcastTimeline(event: TimelineEvent): void;
  /** Sockets connected to this replica. */
  localClients(): number;
  close(): Promise<void>;
}

type HawkSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const OVERVIEW_ROOM = 'overview';
const clusterRoom = (clusterId: string) => `cluster:${clusterId}`;
const CLIENT_EVENTS = new Set(['subscribe', 'unsubscribe', 'resync']);

/** Attaches socket.io to Fastify's http server (fastify-socket.io does not support Fastify 5). */
export function createPushServer(httpServer: HttpServer, options: SocketServerOptions): PushServer {
  const { states, log } = options;
  const maxSubscriptions = options.maxSubscriptions ?? SERVER_DEFAULTS.socketMaxSubscriptions;
  const clientOf = (request: IncomingMessage) =>
    options.clients?.clientOf(request.socket.remoteAddress, request.headers) ?? request.socket.remoteAddress ?? '';
  const maxSocketsPerClient = options.maxSocketsPerClient ?? SERVER_DEFAULTS.socketMaxPerClient;
  const handshakesPerMinute = options.handshakesPerMinute ?? SERVER_DEFAULTS.socketHandshakesPerMinute;
  const snapshotsPerMinute = options.snapshotsPerMinute ?? SERVER_DEFAULTS.socketSnapshotsPerMinute;
  const handshakes = new KeyedBudget(handshakesPerMinute, handshakesPerMinute / 60);
  const snapshots = new KeyedBudget(snapshotsPerMinute, snapshotsPerMinute / 60);
  const openSockets = new KeyedCount();
  /** Refusals are logged once per client and minute at most: a flood must not become a flood of log lines. */
  const refusalLogged = new KeyedBudget(1, 1 / 60);
  const refuse = (client: string, reason: string) => {
    if (refusalLogged.take(`${client} ${reason}`)) log.warn({ client, reason }, 'socket refused');
  };

  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    cors: { origin: [...options.origins.webOrigins], credentials: false },
    // cors does not apply to WebSocket upgrades: without this any page could read a token-less hawk.
    allowRequest: (request, callback) => {
      const allowed =
        options.origins.hostAllowed(request.headers.host) && options.origins.originAllowed(request.headers);
      if (!allowed) {
        log.warn(
          { origin: request.headers.origin ?? null, host: request.headers.host ?? null },
          'socket refused: foreign origin or host',
        );
        return callback('origin not allowed', false);
      }
      // Only a new session (no sid) costs a handshake; a session's own polls and its upgrade do not.
      if (new URL(request.url ?? '/', 'http://hawk').searchParams.has('sid')) return callback(null, true);
      const client = clientOf(request);
      if (openSockets.get(client) >= maxSocketsPerClient) {
        refuse(client, `more than ${maxSocketsPerClient} open sockets`);
        return callback('too many sockets from this client', false);
      }
      if (!handshakes.take(client)) {
        refuse(client, `more than ${handshakesPerMinute} handshakes a minute`);
        return callback('too many handshakes from this client', false);
      }
      callback(null, true);
    },
    maxHttpBufferSize: options.maxFrameBytes ?? SERVER_DEFAULTS.socketMaxFrameBytes,
    pingInterval: SERVER_DEFAULTS.socketPingIntervalMs,
    pingTimeout: SERVER_DEFAULTS.socketPingTimeoutMs,
    // The middleware still runs on a recovered session, so a revoked token cannot resume it.
    connectionStateRecovery: {
      maxDisconnectionDuration: SERVER_DEFAULTS.socketRecoveryMs,
      skipMiddlewares: false,
    },
  });

  io.use((socket, next) => {
    const { authenticator } = options;
    if (!authenticator?.required) return next();
    const presented: unknown = socket.handshake.auth?.token;
    // The TCP peer of the handshake request, never a forwarded-for header.
    const principal = authenticator.authenticate({
      peer: socket.request.socket.remoteAddress,
      headers: socket.handshake.headers,
      token: typeof presented === 'string' ? presented : null,
    });
    if (!principal) return next(new Error('unauthorized'));
    if (principal.user !== null)
      log.debug?.({ user: principal.user, via: principal.via, socket: socket.id }, 'socket authenticated');
    next();
  });

  const reject = (socket: HawkSocket, code: ErrorMessage['code'], message: string) =>
    socket.emit('hawk-error', { code, message });
  const subscriptionCount = (socket: HawkSocket) => socket.rooms.size - 1; // every socket is in its own room

  const sendSnapshot = (socket: HawkSocket, clusterId: string): boolean => {
    const snapshot = states.snapshot(clusterId);
    if (!snapshot) {
      reject(socket, 'unknown-cluster', `no cluster with id ${JSON.stringify(clusterId.slice(0, 64))}`);
      return false;
    }
    socket.emit('snapshot', snapshot);
    return true;
  };

  const subscribe = (socket: HawkSocket, frame: unknown) => {
    if (!SubscriptionFrame.Check(frame))
      return reject(socket, 'bad-request', 'subscribe expects {clusterId: string} or {overview: true}');
    const subscription = frame as Subscription;
    const room = 'clusterId' in subscription ? clusterRoom(subscription.clusterId) : OVERVIEW_ROOM;
    if (!socket.rooms.has(room) && subscriptionCount(socket) >= maxSubscriptions) {
      return reject(socket, 'too-many-subscriptions', `at most ${maxSubscriptions} subscriptions per connection`);
    }
    if ('clusterId' in subscription) {
      // Join before the snapshot: a patch racing it then shows up as a version the client can order.
      if (!states.snapshot(subscription.clusterId)) return sendSnapshot(socket, subscription.clusterId);
      void socket.join(room);
      sendSnapshot(socket, subscription.clusterId);
    } else {
      void socket.join(room);
      socket.emit('overview', states.overview());
    }
  };

  const unsubscribe = (socket: HawkSocket, frame: unknown) => {
    if (!SubscriptionFrame.Check(frame))
      return reject(socket, 'bad-request', 'unsubscribe expects {clusterId: string} or {overview: true}');
    const subscription = frame as Subscription;
    void socket.leave('clusterId' in subscription ? clusterRoom(subscription.clusterId) : OVERVIEW_ROOM);
  };

  const resync = (socket: HawkSocket, frame: unknown) => {
    if (!ResyncFrame.Check(frame)) return reject(socket, 'bad-request', 'resync expects {clusterId: string}');
    sendSnapshot(socket, frame.clusterId);
  };

  /** A snapshot is a whole cluster state: within the client's budget, or refused with a reason it can show. */
  const withinSnapshotBudget = (socket: HawkSocket): boolean => {
    const client = clientOf(socket.request);
    if (snapshots.take(client)) return true;
    refuse(client, `more than ${snapshotsPerMinute} snapshots a minute`);
    reject(socket, 'bad-request', `too many subscribe/resync requests: at most ${snapshotsPerMinute} a minute`);
    return false;
  };

  // Sessions held per client, counted at the engine (one per browser tab, whatever its namespaces).
  io.engine.on(
    'connection',
    (engineSocket: { request: IncomingMessage; once(event: 'close', f: () => void): void }) => {
      const client = clientOf(engineSocket.request);
      openSockets.add(client);
      engineSocket.once('close', () => openSockets.remove(client));
    },
  );

  io.on('connection', (socket) => {
    // Handlers are guarded: whatever a client sends, it gets an error event and the server carries on.
    const guard = (handler: (socket: HawkSocket, frame: unknown) => void) => (frame: unknown) => {
      try {
        handler(socket, frame);
      } catch (error) {
        log.warn({ err: error, socket: socket.id }, 'socket handler failed');
        reject(socket, 'bad-request', 'request could not be handled');
      }
    };
    socket.on(
      'subscribe',
      guard((target, frame) => withinSnapshotBudget(target) && subscribe(target, frame)),
    );
    socket.on('unsubscribe', guard(unsubscribe));
    socket.on(
      'resync',
      guard((target, frame) => withinSnapshotBudget(target) && resync(target, frame)),
    );
    socket.onAny((event: unknown) => {
      if (typeof event !== 'string' || !CLIENT_EVENTS.has(event))
        reject(socket, 'bad-request', `unknown event ${JSON.stringify(String(event).slice(0, 64))}`);
    });
  });

  return {
    io,
    broadcastPatch: (patch) => io.to(clusterRoom(patch.clusterId)).emit('patch', patch),
    broadcastOverview: (overview) => io.to(OVERVIEW_ROOM).emit('overview', overview),
    broadcastTimeline: (event) => io.to(clusterRoom(event.clusterId)).emit('timeline', event),
    localClients: () => io.of('/').sockets.size,
    async close() {
      // Not io.close(): that also closes the http server, which Fastify owns and closes itself.
      io.local.disconnectSockets(true);
      io.engine.close();
    },
  };
}
