'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { formatClock, parseTime } from '../lib/format';
import { storeToken } from '../lib/hawk-endpoint';
import { interpretKey, neighbourCluster, SHORTCUTS, type KeyState } from '../lib/keyboard';
import { pageTitle } from '../lib/page-title';
import { clusterIdOf, hrefWith, withParams } from '../lib/urls';
import { useNow } from '../lib/use-now';
import { ConnectionBanner } from './connection-banner';
import { useHawk, useSubscription } from './hawk-provider';
import { StillAtContext } from './view-time';

function Clock() {
  const now = useNow();
  return (
    <time className="clock" data-testid="clock">
      {now === 0 ? '--:--:--' : formatClock(now)}
    </time>
  );
}

function ModeIndicator({ mode }: { mode: 'live' | 'past' | 'disconnected' | 'connecting' }) {
  const text = { live: 'LIVE', past: 'PAST', disconnected: 'OFFLINE', connecting: 'CONNECTING' }[mode];
  return (
    <span className={`mode mode-${mode}`} data-testid="mode">
      <span className="mode-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function TokenPrompt({ onSubmit }: { onSubmit: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <form
      className="token-prompt"
      onSubmit={(event) => {
        event.preventDefault();
        if (token) onSubmit(token);
      }}
    >
      <label>
        hawk asks for its access token (HAWK_TOKEN); it is kept for this tab only{' '}
        <input type="password" value={token} onChange={(event) => setToken(event.target.value)} autoComplete="off" />
      </label>
      <button type="submit">connect</button>
    </form>
  );
}

function Help({ onClose }: { onClose: () => void }) {
  return (
    <div className="help" role="dialog" aria-label="keyboard shortcuts" onClick={onClose}>
      <dl>
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.keys}>
            <dt>
              <kbd>{shortcut.keys}</kbd>
            </dt>
            <dd>{shortcut.what}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">Wall display: add ?kiosk=1 (and ?cycle=20 to rotate clusters every 20 s).</p>
    </div>
  );
}

/**
 * The frame around every page: clock, live indicator, the disconnected state, keyboard shortcuts,
 * wall-display mode and cluster cycling. It reads its state from the URL so every screen is a link.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const { view, reconnect } = useHawk();
  useSubscription({ overview: true });
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [helpOpen, setHelpOpen] = useState(false);
  const keyState = useRef<KeyState>({ pending: null });

  const kiosk = params.get('kiosk') === '1';
  const cycleSeconds = Number(params.get('cycle') ?? 0);
  const pastAt = parseTime(params.get('at'));
  const clusterIds = (view.overview?.clusters ?? []).map((cluster) => cluster.id);
  const currentCluster = clusterIdOf(pathname);
  const idsKey = clusterIds.join(',');
  const title = pageTitle(view.overview?.clusters ?? [], currentCluster);

  // The tab names the cluster(s) shown; Next's static metadata cannot know them.
  useEffect(() => {
    document.title = title;
  }, [title]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const { state, action } = interpretKey(keyState.current, event.key, Date.now());
      keyState.current = state;
      if (action === null) return;
      const ids = idsKey ? idsKey.split(',') : [];
      switch (action) {
        case 'overview':
          router.push(hrefWith('/', params));
          break;
        case 'previous-cluster':
        case 'next-cluster': {
          const next = neighbourCluster(ids, currentCluster, action === 'next-cluster' ? 1 : -1);
          if (next) router.push(hrefWith(`/clusters/${encodeURIComponent(next)}`, params));
          break;
        }
        case 'live':
          setHelpOpen(false);
          if (params.get('at')) router.replace(withParams(pathname, params, { at: null }));
          break;
        case 'help':
          setHelpOpen((open) => !open);
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [router, params, pathname, currentCluster, idsKey]);

  // Wall rotation: overview, then each cluster in turn, forever; one timer, replaced on every move.
  useEffect(() => {
    if (!(cycleSeconds > 0) || !idsKey) return;
    const ids = idsKey.split(',');
    const timer = setTimeout(() => {
      const index = currentCluster === null ? -1 : ids.indexOf(currentCluster);
      const next = index + 1 < ids.length ? ids[index + 1]! : null;
      router.push(hrefWith(next === null ? '/' : `/clusters/${encodeURIComponent(next)}`, params));
    }, cycleSeconds * 1000);
    return () => clearTimeout(timer);
  }, [cycleSeconds, idsKey, currentCluster, router, params]);

  const { connection } = view;
  const mode =
    connection.state === 'disconnected'
      ? 'disconnected'
      : pastAt !== null
        ? 'past'
        : connection.state === 'live'
          ? 'live'
          : 'connecting';
  const needsToken = connection.state === 'disconnected' && /unauthori[sz]ed|token/i.test(connection.error ?? '');

  return (
    <div className={`shell${kiosk ? ' kiosk' : ''}${connection.state === 'disconnected' ? ' shell-disconnected' : ''}`}>
      <header className="topbar">
        <Link href={hrefWith('/', params)} className="brand">
          hawk
        </Link>
        {!kiosk && (
          <nav className="topnav">
            <Link href={hrefWith('/', params)}>overview</Link>
            <Link href={withParams(pathname, params, { kiosk: '1' })}>wall display</Link>
            <button type="button" className="link" onClick={() => setHelpOpen((open) => !open)}>
              shortcuts <kbd>?</kbd>
            </button>
          </nav>
        )}
        {kiosk && (
          <Link href={withParams(pathname, params, { kiosk: null, cycle: null })} className="kiosk-exit">
            exit wall display
          </Link>
        )}
        <div className="topbar-right">
          <ModeIndicator mode={mode} />
          <Clock />
        </div>
      </header>
      <ConnectionBanner connection={connection} />
      {needsToken && (
        <TokenPrompt
          onSubmit={(token) => {
            storeToken(token);
            reconnect();
          }}
        />
      )}
      {helpOpen && <Help onClose={() => setHelpOpen(false)} />}
      <StillAtContext.Provider
        value={connection.state === 'disconnected' ? (connection.lastMessageAt ?? connection.since) : null}
      >
        <main className="page">{children}</main>
      </StillAtContext.Provider>
    </div>
  );
}
