import { useEffect, useState } from 'react'
import type { ResourceKind } from '../../../../src-preload/contract/resources'
import { toApiError } from '../../components/ConfirmDialog'
import { CopyButton } from '../../components/CopyButton'
import { Dialog } from '../../components/Dialog'
import { ErrorState, Loading } from '../../components/States'
import type { ApiError } from '../../lib/api-error'
import { KIND_WORDS } from './ResourcesView'
import type { ResourceRow } from './resource-rows'
import { useResourcesStore } from './resources-store'

/** `docker … inspect` of one image, volume or network, as JSON to read and copy. */
export function InspectDialog(props: { hostId: string; kind: ResourceKind; row: ResourceRow | null; onClose(): void }) {
  const { row, onClose } = props
  return (
    <Dialog open={row !== null} onOpenChange={(open) => !open && onClose()} title={`Inspect ${row?.name ?? ''}`} wide>
      {row && <InspectBody {...props} row={row} />}
    </Dialog>
  )
}

function InspectBody({ hostId, kind, row }: { hostId: string; kind: ResourceKind; row: ResourceRow }) {
  const inspect = useResourcesStore((s) => s.inspect)
  const [value, setValue] = useState<string | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  useEffect(() => {
    let live = true
    inspect(hostId, kind, row.id)
      .then((result) => live && setValue(JSON.stringify(result, null, 2)))
      .catch((err: unknown) => live && setError(toApiError(err)))
    return () => {
      live = false
    }
  }, [inspect, hostId, kind, row.id])
  if (error) return <ErrorState error={error} />
  if (value === null) return <Loading label={`Inspecting the ${KIND_WORDS[kind].one}…`} />
  return (
    <div className="stack">
      <div className="toolbar">
        <span className="toolbar-end">
          <CopyButton value={value} label="Copy JSON" />
        </span>
      </div>
      <pre className="json-block inspect-dialog-json" tabIndex={0} data-testid="resource-inspect">
        {value}
      </pre>
    </div>
  )
}
