import { act, lazy, Suspense, type ReactNode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClusterPage } from './cluster-page';
import { HawkProvider, useHawk } from './hawk-provider';

/**
 * The server's HTML and the browser's first render must agree, or React throws it away with error #418 (which
 * the e2e tests fail on). Each case renders on the "server" (react-dom/server) and hydrates in jsdom.
 */

/** The socket the provider opens, played by hand: its events fire when the test says. */
const handlers = new Map<string, (...args: unknown[]) => void>();
vi.mock('socket.io-client', () => ({
  io: () => ({
    on: (event: string, handler: (...args: unknown[]) => void) => handlers.set(event, handler),
    emit: () => true,
    removeAllListeners: () => handlers.clear(),
    disconnect: () => undefined,
    connected: true,
  }),
}));

const T0 = Date.UTC(2026, 11, 6, 22, 0, 0);
const search = { value: '' };
vi.mock('next/navigation', () => ({
  useRouter: () => ({ push: () => undefined, replace: () => undefined }),
  usePathname: () => '/clusters/lab',
  useSearchParams: () => new URLSearchParams(search.value),
}));

// act() flushes React's work as a browser would before the next event.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const page = (child: ReactNode) => (
  <HawkProvider>
    <Suspense fallback={null}>{child}</Suspense>
  </HawkProvider>
);

/** Hydrates `html` with `tree`, returning the container and the errors React recovered from. */
async function hydrate(html: string, tree: ReactNode): Promise<{ container: HTMLElement; errors: string[] }> {
  const container = document.createElement('div');
  container.innerHTML = html;
  const errors: string[] = [];
  await act(async () => {
    hydrateRoot(container, tree, { onRecoverableError: (error) => errors.push(String(error)) });
  });
  return { container, errors };
}

function ConnectionState() {
  const { view } = useHawk();
  return <p>{view.connection.state}</p>;
}

describe('hydration', () => {
  // Next hydrates the shell's Suspense boundary once its code has loaded; the socket may have connected (and data
  // arrived) by then, as on a slow first load of a freshly installed chart. Hydrating that part with the new view
  // would not match the server's HTML.
  it("a part of the page hydrating after the socket connected matches the server's HTML, then catches up", async () => {
    const html = renderToString(page(<ConnectionState />));
    expect(html).toContain('connecting');

    let loadCode!: () => void;
    const Late = lazy(
      () =>
        new Promise<{ default: typeof ConnectionState }>(
          (resolve) => (loadCode = () => resolve({ default: ConnectionState })),
        ),
    );
    const { container, errors } = await hydrate(html, page(<Late />));
    await act(async () => handlers.get('connect')!());
    await act(async () => loadCode());

    expect(errors).toEqual([]);
    expect(container.textContent).toBe('live');
  });

  // The timeline's range follows the clock and is written in the browser's zone: a replay link (?at=) rendered it
  // on the server, and the browser a second later (or in another zone) wrote another.
  it('a replay link renders the same on the server and in the browser a moment later, then shows the timeline', async () => {
    search.value = `at=${T0 - 60_000}`;
    vi.stubGlobal('fetch', () => new Promise(() => undefined));
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    const html = renderToString(page(<ClusterPage clusterId="lab" />));

    vi.setSystemTime(T0 + 2_500);
    const { container, errors } = await hydrate(html, page(<ClusterPage clusterId="lab" />));

    expect(errors).toEqual([]);
    expect(container.querySelector('[data-testid="past-banner"]')).not.toBeNull();
    expect(
      container.querySelector('[aria-label="timeline"]'),
      'the timeline, once the browser clock is known',
    ).not.toBeNull();
  });
});
