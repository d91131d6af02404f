import { Hammer, Rocket, Upload } from 'lucide-react'
import { lazy, Suspense, useState } from 'react'
import type { ServiceSummary } from '../../../../src-preload/contract/projects'
import { useCan } from '../connection/connection-store'
import { useStartBuild } from './use-cicd-actions'

// The dialog checks the tag with the contract's grammar (zod): loaded when first opened.
const DeployImageDialog = lazy(() => import('./DeployImageDialog').then((m) => ({ default: m.DeployImageDialog })))

/**
 * The release actions of a service's page: a git service is built ("Build & deploy", or "Build" only), an image
 * service gets a new image ("Deploy image…"). Disabled with the reason for a role that may not deploy.
 */
export function CicdActions({ service }: { service: ServiceSummary }) {
  const can = useCan('operate')
  const startBuild = useStartBuild()
  const [starting, setStarting] = useState(false)
  const [deploying, setDeploying] = useState(false)
  const name = service.spec.name
  const start = (deploy: boolean): void => {
    setStarting(true)
    void startBuild(service, { deploy }).finally(() => setStarting(false))
  }
  if (service.spec.git) {
    return (
      <div className="cicd-actions">
        <button
          type="button"
          className="btn primary"
          aria-label={`Build & deploy ${name}`}
          title={can.reason ?? `Build ${service.spec.git.ref} and deploy it when the build succeeds`}
          disabled={!can.allowed || starting}
          onClick={() => start(true)}
        >
          <Rocket size={14} aria-hidden="true" /> Build &amp; deploy
        </button>
        <button
          type="button"
          className="btn"
          aria-label={`Build ${name}`}
          title={can.reason ?? `Build ${service.spec.git.ref} without deploying it`}
          disabled={!can.allowed || starting}
          onClick={() => start(false)}
        >
          <Hammer size={14} aria-hidden="true" /> Build
        </button>
      </div>
    )
  }
  return (
    <div className="cicd-actions">
      <button
        type="button"
        className="btn"
        aria-label={`Deploy image to ${name}`}
        title={can.reason ?? 'Run another image (a new tag) with a health-checked deployment'}
        disabled={!can.allowed}
        onClick={() => setDeploying(true)}
      >
        <Upload size={14} aria-hidden="true" /> Deploy image
      </button>
      <Suspense fallback={null}>
        {deploying && <DeployImageDialog service={service} onClose={() => setDeploying(false)} />}
      </Suspense>
    </div>
  )
}
