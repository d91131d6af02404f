export {
  compareApiVersions,
  createDockerClient,
  MAX_API_VERSION,
  type CreateDockerClientOptions,
  type DockerClient,
  type DockerEndpoint,
} from './docker-client'
export { mapDockerError } from './docker-errors'
export { demuxAll, LogDemuxer, type LogDemuxOptions, type LogLine, type LogStreamName } from './log-demux'
export { fetchLogs, followLogs, isTty, type LogsRequest } from './container-logs'
export { computeStats, type ContainerStats, type StatsSample } from './container-stats'
export { formatSince, watchEvents, type DockerEvent, type EventWatch, type WatchEventsOptions } from './event-stream'
export { apiAtLeast, apiVersionOf, systemDf, type DiskUsage, type DiskUsageType } from './system-df'
export { encodeRegistryAuth, pullImage, type PullOptions, type PullRequest, type RegistryAuth } from './image-pull'
export { PullTracker, ProgressReporter, type PullOutcome, type PullProgress } from './pull-progress'
export { containerOf } from './container-ref'
export { readErrorMessage, readJsonLines } from './json-lines'
