export { RouteService, type RouteServiceDeps } from './route-service'
export { RouteStore, type RouteRow } from './route-store'
export { certificateValid, routeUrl, type CertificateWindow } from './route-summary'
