import { MODEL_VERSION } from '@hawk/core';
import { renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { healthy } from '../test-support/cluster-fixture';
import { useStateAt } from './use-history';

afterEach(() => {
  vi.unstubAllGlobals();
});

const serving = (body: unknown) =>
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status: 200 }));

describe('useStateAt', () => {
  it('shows a recorded state of this model', async () => {
    const { state } = healthy();
    serving({ state });
    const { result } = renderHook(() => useStateAt('lab', 1));
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current).toEqual({ value: state, loading: false, error: null });
  });

  // History outlives an upgrade: a state recorded before standbys became a list would break the page if read.
  it('refuses a state recorded by a hawk of another model, saying why', async () => {
    serving({ state: { ...healthy().state, modelVersion: MODEL_VERSION - 1 } });
    const { result } = renderHook(() => useStateAt('lab', 1));
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.value).toBeNull();
    expect(result.current.error).toBe(
      `recorded by a hawk of another state model (${MODEL_VERSION - 1}; this page reads ${MODEL_VERSION})`,
    );
  });
});
