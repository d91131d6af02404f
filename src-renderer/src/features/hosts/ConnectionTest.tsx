import { CheckCircle2, Circle, Loader2, PlugZap, XCircle } from 'lucide-react'
import { useState } from 'react'
import type { TestHostInput, TestHostResult, TestStepName } from '../../../../src-preload/contract/hosts'
import { toApiError } from '../../components/ConfirmDialog'
import { ErrorState } from '../../components/States'
import type { ApiError } from '../../lib/api-error'
import { useHostsStore } from './hosts-store'

const STEP_LABEL: Record<TestStepName, string> = {
  tcp: 'Reach the server',
  hostKey: 'Check its identity (host key)',
  auth: 'Sign in',
  engine: 'Talk to the Docker engine',
}

/**
 * "Test connection": connects exactly as the saved host would, step by step, and stores nothing.
 * `input` builds the request from the form at click time (null when the form is not valid yet).
 */
export function ConnectionTest({ input }: { input: () => Promise<TestHostInput | null> }) {
  const test = useHostsStore((s) => s.test)
  const [result, setResult] = useState<TestHostResult | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [running, setRunning] = useState(false)
  const run = async (): Promise<void> => {
    const request = await input()
    if (!request) return
    setRunning(true)
    setError(null)
    setResult(null)
    try {
      setResult(await test(request))
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setRunning(false)
    }
  }
  return (
    <div className="connection-test">
      <button type="button" className="btn" onClick={() => void run()} disabled={running}>
        {running ? <Loader2 className="spin" size={14} aria-hidden="true" /> : <PlugZap size={14} aria-hidden="true" />}{' '}
        Test connection
      </button>
      {error && <ErrorState error={error} />}
      {result && (
        <div role="status" aria-live="polite">
          <ol className="test-steps" data-testid="connection-test-steps">
            {result.steps.map((step) => (
              <li
                key={step.step}
                className={`test-step test-${step.status}`}
                data-step={step.step}
                data-status={step.status}
              >
                {step.status === 'ok' ? (
                  <CheckCircle2 size={16} aria-hidden="true" />
                ) : step.status === 'failed' ? (
                  <XCircle size={16} aria-hidden="true" />
                ) : (
                  <Circle size={16} aria-hidden="true" />
                )}
                <span>
                  <strong>{STEP_LABEL[step.step]}</strong>
                  <span className="sr-only">: {step.status === 'ok' ? 'passed' : step.status}</span>{' '}
                  <span className={step.status === 'failed' ? 'field-error' : 'muted'}>{step.message}</span>
                </span>
              </li>
            ))}
          </ol>
          <p className={result.ok ? 'test-verdict ok' : 'test-verdict bad'} data-testid="connection-test-verdict">
            {result.ok
              ? `Connected: Docker ${result.engine?.version ?? ''} answered. Nothing was saved yet.`
              : 'The connection failed at the step marked above. Nothing was saved.'}
          </p>
        </div>
      )}
    </div>
  )
}
