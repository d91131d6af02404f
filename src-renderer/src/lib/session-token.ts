const KEY = 'glinrdock.token'

/**
 * Takes a token handed over in the URL fragment (`/#token=…`, never sent to the server), keeps it in
 * sessionStorage for this tab only, and removes it from the address bar and history.
 */
export function takeTokenFromLocation(): void {
  const params = new URLSearchParams(location.hash.slice(1))
  const token = params.get('token')
  if (!token) return
  sessionStorage.setItem(KEY, token)
  params.delete('token')
  const rest = params.toString()
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`)
}

export const storedToken = (): string | null => sessionStorage.getItem(KEY)
export const storeToken = (token: string): void => sessionStorage.setItem(KEY, token)
export const forgetToken = (): void => sessionStorage.removeItem(KEY)
