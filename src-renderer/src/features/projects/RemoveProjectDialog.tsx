import { useId, useState } from 'react'
import type { ProjectSummary, ServiceSummary } from '../../../../src-preload/contract/projects'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useProjectsStore } from './projects-store'

interface Props {
  project: ProjectSummary | null
  services: ServiceSummary[]
  onClose(): void
  onRemoved(): void
}

/**
 * Names what goes: the project, each service and its container, the network. A project with services is
 * removed only with `force` (the server refuses otherwise), which this dialog sends once the user confirms.
 */
export function RemoveProjectDialog({ project, services, onClose, onRemoved }: Props) {
  const remove = useProjectsStore((s) => s.remove)
  const [volumes, setVolumes] = useState(false)
  const volumesId = useId()
  const names = services.map((s) => s.spec.name)
  return (
    <ConfirmDialog
      open={project !== null}
      onOpenChange={(open) => {
        if (open) return
        setVolumes(false)
        onClose()
      }}
      title={`Delete project ${project?.name ?? ''}?`}
      description={
        project
          ? names.length === 0
            ? `“${project.name}” and its network ${project.network} are deleted.`
            : `“${project.name}”, its ${names.length} service${names.length === 1 ? '' : 's'} with their containers, and its network ${project.network} are deleted.`
          : ''
      }
      confirmLabel={`Delete ${project?.name ?? ''}`}
      busyLabel="Stopping and removing…"
      onConfirm={async () => {
        if (!project) return
        await remove(project.id, { force: names.length > 0, volumes })
        onRemoved()
      }}
    >
      {names.length > 0 && (
        <ul className="confirm-list" aria-label="Services that are deleted">
          {names.map((name) => (
            <li key={name}>{name}</li>
          ))}
        </ul>
      )}
      <div className="checkbox">
        <input id={volumesId} type="checkbox" checked={volumes} onChange={(e) => setVolumes(e.target.checked)} />
        <label htmlFor={volumesId}>Also remove their named volumes (the data in them is lost)</label>
      </div>
    </ConfirmDialog>
  )
}
