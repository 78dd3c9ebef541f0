import { describe, expect, it } from 'vitest';
import { controlPlaneHidden } from './control-plane-hidden';

describe('controlPlaneHidden', () => {
  const none = { synced: true, controlPlanePods: 0, componentLeases: 0, apiserverIdentities: 0 };
  it.each([
    ['synced and nothing visible', none, true],
    ['not synced yet', { ...none, synced: false }, false],
    ['a control-plane pod', { ...none, controlPlanePods: 1 }, false],
    ['a component lease', { ...none, componentLeases: 1 }, false],
    ['an apiserver identity', { ...none, apiserverIdentities: 1 }, false],
  ])('%s → %s', (_, visibility, hidden) => expect(controlPlaneHidden(visibility)).toBe(hidden));
});
