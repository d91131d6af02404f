import { useState } from 'react'
import { useConnectionStore } from './connection-store'

/** Browser only: the desktop app talks to its own main process and needs no token. */
export function LoginScreen() {
  const { login, status, detail } = useConnectionStore()
  const [token, setToken] = useState('')
  return (
    <div className="login">
      <form
        className="card login-card"
        onSubmit={(event) => {
          event.preventDefault()
          if (token.trim()) login(token.trim())
        }}
      >
        <h1>glinrdock</h1>
        <p className="muted">
          Paste an API token. The server printed where its first admin token is stored (
          <code>&lt;data-dir&gt;/admin-token</code>).
        </p>
        {status === 'unauthorized' && (
          <p className="field-error" role="alert">
            {detail ?? 'The token was refused.'}
          </p>
        )}
        <label className="field">
          <span>API token</span>
          <input
            type="password"
            autoComplete="off"
            autoFocus
            value={token}
            onChange={(event) => setToken(event.target.value)}
            placeholder="gdt_…"
          />
        </label>
        <button type="submit" className="btn primary" disabled={!token.trim()}>
          Sign in
        </button>
      </form>
    </div>
  )
}
