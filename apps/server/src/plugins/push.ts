import fp from 'fastify-plugin';
import { createPushServer, type PushServer } from '../transport/socket-server';
import { createVersionedStates, type VersionedStates } from '../transport/versioned-states';
import type { AppOptions } from './app-options';

export interface HawkPush {
  /** Every cluster's latest accepted state, versioned for patches. */
  readonly states: VersionedStates;
  readonly push: PushServer;
}

declare module 'fastify' {
  interface FastifyInstance {
    hawkPush: HawkPush;
  }
}

/** socket.io on the app's port, behind the same guards as REST. */
export const pushPlugin = fp<AppOptions>(
  async (app, options) => {
    const { origins, authenticator, clients } = app.hawkGuards;
    const states = createVersionedStates();
    const push = createPushServer(app.server, {
      states,
      authenticator,
      origins,
      clients,
      log: app.log,
      ...options.socketLimits,
    });
    app.decorate('hawkPush', { states, push } satisfies HawkPush);
    // Open websockets would keep the http server from closing: disconnect them first.
    app.addHook('preClose', async () => {
      await push.close();
    });
  },
  { name: 'hawk-push', fastify: '5.x', dependencies: ['hawk-external'] },
);
