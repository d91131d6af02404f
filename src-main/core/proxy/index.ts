export { ProxyService, type ProxyServiceDeps } from './proxy-service'
export { ProxyStore, type ProxyStateRecord } from './proxy-store'
export {
  renderConfig,
  locationSelectors,
  UnsafeTokenError,
  HEALTH_PATH,
  HEALTH_PORT,
  type ProxyModel,
  type ServerModel,
  type LocationModel,
  type RenderedConfig,
} from './nginx-config'
export { chooseUpstream } from './proxy-model'
export { PROXY_LABEL } from './proxy-container'
