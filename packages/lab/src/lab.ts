import { LabControl } from './control';
import { Faults } from './faults';
import { LabView } from './lab-view';
import type { LabOptions } from './options';
import { type LabPaths, binaryDir } from './paths';

export type { ApiServerReadiness, LeaseHolder, ProcessInfo, WaitOptions } from './lab-view';

/**
 * Lab is a handle on a running lab: the read-only view, plus `control` (process control, fault log, lock) and the
 * faults built on both. Only `control` and `fault` change anything.
 */
export class Lab extends LabView {
  readonly control: LabControl;
  readonly fault: Faults;

  constructor(options: LabOptions, paths: LabPaths, binDir = binaryDir()) {
    super(options, paths, binDir);
    this.control = new LabControl(this);
    this.fault = new Faults(this, this.control);
  }
}
