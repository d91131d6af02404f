import { AlertTriangle } from 'lucide-react'
import type { ComposeImportResult } from '../../../../src-preload/contract/projects'
import { portText, volumeText } from './service-labels'

/** What a dry run would create, and every key it could not honour with its path in the file. */
export function ComposePreview({ result }: { result: ComposeImportResult }) {
  const { services, warnings } = result
  return (
    <section className="stack compose-preview" aria-label="Preview" data-testid="compose-preview">
      <h3 className="preview-title">
        Would create {services.length} service{services.length === 1 ? '' : 's'}
      </h3>
      {services.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Services that would be created">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Image</th>
                <th scope="col">Ports</th>
                <th scope="col">Volumes</th>
                <th scope="col">Env</th>
              </tr>
            </thead>
            <tbody>
              {services.map((spec) => (
                <tr key={spec.name} data-testid="preview-service" data-service={spec.name}>
                  <td>
                    <strong>{spec.name}</strong>
                  </td>
                  <td className="mono-small wrap-anywhere">
                    {spec.image ?? (spec.git ? `git: ${spec.git.url}@${spec.git.ref} — no image yet` : '—')}
                  </td>
                  <td className="mono-small">{spec.ports.map(portText).join(', ') || '—'}</td>
                  <td className="small">{spec.volumes.map(volumeText).join(', ') || '—'}</td>
                  <td className="mono-small wrap-anywhere">
                    {spec.env.length === 0
                      ? '—'
                      : spec.env.map((v) => (v.secret ? `${v.key} (secret)` : v.key)).join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {warnings.length > 0 ? (
        <div className="notice warnings" role="status">
          <AlertTriangle size={16} aria-hidden="true" />
          <div>
            <strong>
              {warnings.length} warning{warnings.length === 1 ? '' : 's'}: not imported as written
            </strong>
            <ul className="warning-list" aria-label="Warnings">
              {warnings.map((w, i) => (
                <li key={i} data-testid="compose-warning">
                  <code>{w.path}</code> {w.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : (
        <p className="muted">No warnings: every key is imported as written.</p>
      )}
    </section>
  )
}
