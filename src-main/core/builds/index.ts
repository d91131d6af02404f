export { buildContext, type BuildContext, type BuildContextInput } from './build-context'
export { BuildLogs, BUILD_LOG_CAP_BYTES } from './build-log'
export { openBuildLogStream } from './build-log-stream'
export {
  BuildService,
  imageTagOf,
  SERVICE_BUILD_JOB,
  type BuildEngines,
  type BuildPorts,
  type BuildServiceDeps,
} from './build-service'
export { BuildStore, type BuildRecord } from './build-store'
export { buildOnEngine, type EngineBuildRequest } from './engine-build'
