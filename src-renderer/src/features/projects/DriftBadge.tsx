import type { Drift } from '../../../../src-preload/contract/projects'
import { StatusChip } from '../../components/StatusChip'

/** "Drifted" with what differs, in words: the engine no longer matches what glinrdock last applied. */
export function DriftBadge({ drift }: { drift: Drift[] }) {
  if (drift.length === 0) return <span className="muted">in sync</span>
  return (
    <div className="drift" data-testid="drift">
      <StatusChip tone="warn" state="drifted" title={drift.map((d) => d.message).join('\n')}>
        drifted
      </StatusChip>
      <ul className="drift-list">
        {drift.map((d) => (
          <li key={d.kind} className="small">
            {d.message}
          </li>
        ))}
      </ul>
    </div>
  )
}
