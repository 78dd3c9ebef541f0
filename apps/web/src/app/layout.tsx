import type { Metadata, Viewport } from 'next';
import { Suspense, type ReactNode } from 'react';
import { AppShell } from '../components/app-shell';
import { HawkProvider } from '../components/hawk-provider';
import { DEFAULT_TITLE } from '../lib/page-title';
import './globals.css';

export const metadata: Metadata = {
  // Until the backend names the clusters: the shell then names them (page-title.ts).
  title: DEFAULT_TITLE,
  description: 'Who leads, since when, and what broke: the control planes hawk watches.',
};

export const viewport: Viewport = { themeColor: '#0b0d10', colorScheme: 'dark' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <HawkProvider>
          {/* The shell reads the URL's search params, which only exist in the browser. */}
          <Suspense fallback={null}>
            <AppShell>{children}</AppShell>
          </Suspense>
        </HawkProvider>
      </body>
    </html>
  );
}
