export { RouteService, type RouteServiceDeps } from './route-service'
export { RouteStore } from './route-store'
