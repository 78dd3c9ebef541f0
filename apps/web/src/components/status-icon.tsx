import type { Display, Shape } from '../lib/verdict-display';

const PATHS: Readonly<Record<Shape, React.ReactNode>> = {
  check: (
    <>
      <circle cx="8" cy="8" r="7" />
      <path d="M4.5 8.2l2.3 2.3 4.7-4.9" className="icon-stroke" />
    </>
  ),
  triangle: (
    <>
      <path d="M8 1l7 13H1z" />
      <path d="M8 5.5v4M8 11.3v.5" className="icon-stroke" />
    </>
  ),
  diamond: (
    <>
      <path d="M8 .8L15.2 8 8 15.2.8 8z" />
      <path d="M8 4.6v6.8" className="icon-stroke" />
    </>
  ),
  cross: (
    <>
      <path d="M5 1h6l4 4v6l-4 4H5l-4-4V5z" />
      <path d="M5.5 5.5l5 5M10.5 5.5l-5 5" className="icon-stroke" />
    </>
  ),
  dashed: <circle cx="8" cy="8" r="6.2" className="icon-dashed" />,
  question: (
    <>
      <circle cx="8" cy="8" r="7" />
      <path d="M6 6.2a2 2 0 1 1 2.6 1.9c-.4.2-.6.5-.6.9v.7M8 11.4v.4" className="icon-stroke" />
    </>
  ),
  dot: <circle cx="8" cy="8" r="4.5" />,
  clock: (
    <>
      <circle cx="8" cy="8" r="7" />
      <path d="M8 4v4.3l2.8 1.8" className="icon-stroke" />
    </>
  ),
};

/** The shape half of "never colour alone": every state has its own outline, coloured by its tone. */
export function StatusIcon({ display }: { display: Display }) {
  return (
    <svg className={`icon tone-${display.tone}`} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {PATHS[display.shape]}
    </svg>
  );
}

/** Icon plus word: the pair every state is shown as. */
export function StatusTag({ display, className = '' }: { display: Display; className?: string }) {
  return (
    <span className={`tag tone-${display.tone} ${className}`}>
      <StatusIcon display={display} />
      <span>{display.label}</span>
    </span>
  );
}
