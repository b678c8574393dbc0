/**
 * Which extension host the suite runs in, set by the host's index before the
 * tests are registered, plus the few host-specific helpers the shared tests use.
 */
export interface HostInfo {
  kind: 'web' | 'node';
  /** Node host only: perf_hooks.monitorEventLoopDelay (10 ms resolution) and event-loop utilization, started now. */
  monitorEventLoopDelay?: () => { stop(): { maxMs: number; utilization: number } };
  /** Node host only: CPU time this thread has used, ms (process.threadCpuUsage; the loop's active time where that is missing). */
  threadCpuMs?: () => number;
}

export const host: HostInfo = { kind: 'web' };
