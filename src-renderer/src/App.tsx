import { useEffect } from 'react'
import { LoginScreen } from './features/connection/LoginScreen'
import { useConnectionStore } from './features/connection/connection-store'
import { AppShell } from './features/shell/AppShell'

export function App() {
  const { status, start } = useConnectionStore()
  useEffect(() => start(), [start])
  if (status === 'signed-out' || status === 'unauthorized') return <LoginScreen />
  return <AppShell />
}
