import type { ProxyPreview } from '../../../../src-preload/contract/routes'
import { StatusChip } from '../../components/StatusChip'

/** nginx's verdict on a rendered configuration, its own output, and the configuration itself (folded). */
export function ProxyPreviewView({ preview }: { preview: ProxyPreview }) {
  const { ok, output } = preview.test
  return (
    <div className="preview-result" data-testid="proxy-preview" data-ok={ok} role="status">
      <p>
        <StatusChip tone={ok ? 'ok' : 'bad'} state={ok ? 'ok' : 'rejected'} testId="preview-verdict">
          {ok ? 'nginx accepts this configuration' : 'nginx refuses this configuration'}
        </StatusChip>{' '}
        <span className="muted small">
          {preview.unchanged ? 'Same as what serves now.' : 'Nothing is applied until the route is added.'}
        </span>
      </p>
      {output.trim() !== '' && (
        <pre className={`config-block wrap ${ok ? '' : 'bad-text'}`} aria-label="nginx -t output">
          {output.trim()}
        </pre>
      )}
      <details>
        <summary>
          Rendered configuration <span className="muted mono-small">{preview.hash.slice(0, 12)}</span>
        </summary>
        <pre className="config-block" aria-label="Rendered nginx configuration" tabIndex={0}>
          {preview.config}
        </pre>
      </details>
    </div>
  )
}
