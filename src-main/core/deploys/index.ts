export {
  DEFAULT_PROTECTED_DEPLOYMENTS,
  DEFAULT_STABLE_SECONDS,
  DeployService,
  SERVICE_RELEASE_JOB,
  SERVICE_ROLLBACK_JOB,
  type DeployServiceOptions,
} from './deploy-service'
export { DeploymentStore } from './deployment-store'
