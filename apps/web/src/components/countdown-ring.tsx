'use client';

import { useEffect, useRef } from 'react';
import { leaseRemaining } from '../lib/selectors';

const RADIUS = 42;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

export interface CountdownRingProps {
  /** Deadline of the lease as judged from the observed renewal (epoch ms), null when unknown. */
  readonly expiresAt: number | null;
  /** The lease's full length (ms): the ring is full right after a renewal. */
  readonly windowMs: number | null;
  /** Draw the ring as it was at this instant and stop animating (replay); null animates live. */
  readonly frozenAt: number | null;
  readonly tone: string;
  readonly label: string;
}

function paint(
  ring: SVGCircleElement,
  text: HTMLElement,
  container: HTMLElement,
  expiresAt: number,
  windowMs: number,
  now: number,
): void {
  const remaining = leaseRemaining(expiresAt, windowMs, now);
  ring.style.strokeDashoffset = String(CIRCUMFERENCE * (1 - remaining));
  const leftMs = Math.max(0, expiresAt - now);
  const shown = leftMs === 0 ? '0' : (leftMs / 1000).toFixed(1);
  if (text.textContent !== shown) text.textContent = shown;
  container.dataset.remainingMs = String(Math.round(leftMs));
}

/**
 * The lease deadline as a draining ring. Animated in the browser from the observed renewal, with
 * no server push per frame: it refills when a renewal arrives and drains to empty when none does.
 */
export function CountdownRing({ expiresAt, windowMs, frozenAt, tone, label }: CountdownRingProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const ringRef = useRef<SVGCircleElement>(null);
  const textRef = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const ring = ringRef.current;
    const text = textRef.current;
    const container = containerRef.current;
    if (!ring || !text || !container || expiresAt === null || windowMs === null) return;
    if (frozenAt !== null) {
      paint(ring, text, container, expiresAt, windowMs, frozenAt);
      return;
    }
    let frame = 0;
    const tick = () => {
      paint(ring, text, container, expiresAt, windowMs, Date.now());
      // Past the deadline nothing moves until a new renewal re-runs this effect: stop spending frames.
      if (Date.now() < expiresAt) frame = requestAnimationFrame(tick);
    };
    tick();
    return () => cancelAnimationFrame(frame);
  }, [expiresAt, windowMs, frozenAt]);

  const known = expiresAt !== null && windowMs !== null;
  return (
    <div ref={containerRef} className={`ring tone-${tone}`} role="img" aria-label={label} data-testid="countdown-ring">
      <svg viewBox="0 0 100 100" aria-hidden="true">
        <circle className="ring-track" cx="50" cy="50" r={RADIUS} />
        {known && (
          <circle
            ref={ringRef}
            className="ring-fill"
            cx="50"
            cy="50"
            r={RADIUS}
            strokeDasharray={CIRCUMFERENCE}
            transform="rotate(-90 50 50)"
          />
        )}
      </svg>
      <span className="ring-text">
        <span ref={textRef}>{known ? '' : '?'}</span>
        {known && <small>s</small>}
      </span>
    </div>
  );
}
