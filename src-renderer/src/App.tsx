import { useEffect } from 'react'
import { Router } from 'wouter'
import { useAppLocation } from './lib/hash-location'
import { LoginScreen } from './features/connection/LoginScreen'
import { useConnectionStore } from './features/connection/connection-store'
import { AppShell } from './features/shell/AppShell'

export function App() {
  const { status, start } = useConnectionStore()
  useEffect(() => start(), [start])
  if (status === 'signed-out' || status === 'unauthorized') return <LoginScreen />
  return (
    <Router hook={useAppLocation}>
      <AppShell />
    </Router>
  )
}
