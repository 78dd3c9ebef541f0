import { Fragment } from 'react';
import { nameBreaks } from '../lib/wall-layout';

/**
 * A cluster name that wraps where it reads well (after '@', '/', '-', …) rather than mid-word, and
 * carries the full name as its title for when the wall truncates it.
 */
export function ClusterName({ name }: { name: string }) {
  return (
    <span className="cluster-name" title={name}>
      {nameBreaks(name).map((part, index) => (
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
