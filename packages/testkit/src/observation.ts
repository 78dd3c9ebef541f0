/**
 * How long before hawk's sighting the claimed state may have ended (ms): hawk probes the front door
 * every 2 s (a probe may take 1.5 s), its Lease watch goes through an apiserver, and the sighting is
 * the bench's receipt of hawk's push. The record's own polls (250 ms) add to it. The chaos scorer and
 * the lab tests that check hawk's numbers against the lab's record both allow this much.
 */
export const OBSERVATION_ALLOWANCE_MS = 3_000;
