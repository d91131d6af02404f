import { useSyncExternalStore } from 'react'
import { navigate } from 'wouter/use-hash-location'

/**
 * wouter's hash location, also listening to `popstate`: Back from `/#/a` to `/?q=x#/b` changes the
 * query too, and Chromium then fires only `popstate`, not `hashchange` (seen in the end-to-end tests:
 * the address went back, the view did not).
 */
function subscribe(callback: () => void): () => void {
  addEventListener('hashchange', callback)
  addEventListener('popstate', callback)
  return () => {
    removeEventListener('hashchange', callback)
    removeEventListener('popstate', callback)
  }
}

const current = (): string => '/' + location.hash.replace(/^#?\/?/, '')

export function useAppLocation(): [string, typeof navigate] {
  return [useSyncExternalStore(subscribe, current, () => '/'), navigate]
}
useAppLocation.hrefs = (href: string): string => `#${href}`
