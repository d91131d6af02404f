export { ProxyService, type ProxyServiceDeps } from './proxy-service'
export { ProxyStore } from './proxy-store'
export { PROXY_LABEL } from './proxy-container'
