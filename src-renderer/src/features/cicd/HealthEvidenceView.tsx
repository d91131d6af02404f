import type { HealthEvidence } from '../../../../src-preload/contract/cicd'
import { RelativeTime } from '../../components/RelativeTime'
import { VERDICT_TEXT } from './cicd-labels'

/** Why a deployment was judged healthy or not: the verdict, the health check's last outputs, the last log lines. */
export function HealthEvidenceView({ evidence }: { evidence: HealthEvidence }) {
  return (
    <div className="health-evidence" data-testid="health-evidence">
      <p>
        <strong>Verdict:</strong> {VERDICT_TEXT[evidence.verdict]}
        {evidence.exitCode !== null && <> · exit code {evidence.exitCode}</>}
      </p>
      {evidence.probeOutput.length > 0 && (
        <>
          <h4>Health check, last runs</h4>
          <ol className="probe-list">
            {evidence.probeOutput.map((probe, index) => (
              <li key={index}>
                <span className={probe.exitCode === 0 ? 'ok-text' : 'bad-text'}>exit {probe.exitCode}</span>{' '}
                <RelativeTime iso={probe.at} />
                {probe.output.trim() && <pre className="evidence-block">{probe.output.trim()}</pre>}
              </li>
            ))}
          </ol>
        </>
      )}
      <h4>Container log, last lines</h4>
      {evidence.logTail.length === 0 ? (
        <p className="muted">The container printed nothing.</p>
      ) : (
        <pre className="evidence-block" tabIndex={0} aria-label="Last log lines of the new container">
          {evidence.logTail.join('\n')}
        </pre>
      )}
    </div>
  )
}
