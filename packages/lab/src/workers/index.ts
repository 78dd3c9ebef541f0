export { ensureWorkers, missingWorkerPrerequisites, notReady, readWorkersState } from './start';
export { removeWorkers, workerLeftovers } from './teardown';
export { importImage, pauseImageArchive } from './images';
export { hostIptablesChains, readSysctls } from './host-effects';
export { PAUSE_IMAGE, planWorkers, type WorkerPlan } from './plan';
export { COREDNS_IMAGE, corednsAvailable } from './dns';
