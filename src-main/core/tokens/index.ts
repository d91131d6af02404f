export { TokenService, type AuthenticatedToken } from './token-service'
export { TokenStore } from './token-store'
