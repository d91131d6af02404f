export {
  BranchPoller,
  pollIntervalOverrideFromEnv,
  DEFAULT_POLL_INTERVAL_SECONDS,
  REAL_TIMERS,
  type BranchPollerDeps,
  type LsRemote,
  type PollerTimers,
  type PollOutcome,
} from './branch-poller'
export { PollStateStore, type PollState } from './poll-state-store'
