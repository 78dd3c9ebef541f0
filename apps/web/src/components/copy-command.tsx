'use client';

import { useState } from 'react';

/** A command the on-call engineer pastes into a terminal: shown verbatim, copied in one click. */
export function CopyCommand({ command }: { command: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard refused (plain http): the text is selectable anyway.
    }
  };
  return (
    <div className="command">
      <code>{command}</code>
      <button type="button" className="command-copy" onClick={copy} aria-label={`copy: ${command}`}>
        {copied ? 'copied' : 'copy'}
      </button>
    </div>
  );
}
