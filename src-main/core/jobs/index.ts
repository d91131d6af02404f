export { JobRunner, isFinished, type LogWatch } from './job-runner'
export { openJobLogStream } from './job-log-stream'
export { MAX_LOG_LINES } from './job-log-hub'
export type { EnqueueInput, Job, JobContext, JobHandler, JobRunnerOptions } from './job-types'
