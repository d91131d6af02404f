import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { takeTokenFromLocation } from './lib/session-token'
import './styles.css'

// Before anything renders, so the token never lingers in the address bar or history.
takeTokenFromLocation()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
