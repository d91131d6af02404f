import { Fragment, useEffect, useRef, useState } from 'react'
import type { AdoptableGroup, ProjectSummary } from '../../../../src-preload/contract/projects'
import { toApiError } from '../../components/ConfirmDialog'
import { Dialog } from '../../components/Dialog'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { ContainerStateChip } from '../../components/StateChip'
import type { ApiError } from '../../lib/api-error'
import { useHostsStore } from '../hosts/hosts-store'
import { useNoticesStore } from '../shell/notices-store'
import { useProjectsStore } from './projects-store'

/**
 * Takes over containers already on the project's host as services: glinrdock records their spec from what
 * the engine reports and manages them from then on. Grouped by compose project, so a stack is one click.
 */
export function AdoptDialog({ project, onClose }: { project: ProjectSummary; onClose(): void }) {
  const host = useHostsStore((s) => s.hosts.find((h) => h.id === project.hostId))
  return (
    <Dialog
      open
      onOpenChange={(next) => !next && onClose()}
      title={`Adopt containers into ${project.name}`}
      description={`Containers on ${host?.name ?? 'the host'} that no project manages yet. Adopted ones become services; they keep running.`}
      wide
    >
      <AdoptPicker project={project} onClose={onClose} />
    </Dialog>
  )
}

function AdoptPicker({ project, onClose }: { project: ProjectSummary; onClose(): void }) {
  const { adoptable, adopt } = useProjectsStore.getState()
  const notify = useNoticesStore((s) => s.notify)
  const [groups, setGroups] = useState<AdoptableGroup[] | null>(null)
  const [loadError, setLoadError] = useState<ApiError | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [busy, setBusy] = useState(false)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    let live = true
    adoptable(project.hostId)
      .then((answer) => live && setGroups(answer))
      .catch((err: unknown) => live && setLoadError(toApiError(err)))
    return () => {
      live = false
    }
  }, [adoptable, project.hostId, attempt])

  if (loadError) {
    return (
      <ErrorState
        error={loadError}
        onRetry={() => {
          setLoadError(null)
          setAttempt((n) => n + 1)
        }}
      />
    )
  }
  if (!groups) return <Loading label="Looking for containers…" />
  const toggle = (ids: string[], on: boolean): void => {
    const next = new Set(selected)
    for (const id of ids) {
      if (on) next.add(id)
      else next.delete(id)
    }
    setSelected(next)
  }
  const submit = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      const services = await adopt(project.id, [...selected])
      notify({
        tone: 'ok',
        text: `Adopted ${services.length} container${services.length === 1 ? '' : 's'} into ${project.name}`,
      })
      onClose()
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="stack">
      {groups.every((g) => g.containers.length === 0) ? (
        <EmptyState title="Nothing to adopt">
          Every container on this host already belongs to a project, or there are none.
        </EmptyState>
      ) : (
        <div className="adopt-groups">
          {groups
            .filter((g) => g.containers.length > 0)
            .map((group) => (
              <AdoptGroup key={group.composeProject ?? ''} group={group} selected={selected} onToggle={toggle} />
            ))}
        </div>
      )}
      {error && <ErrorState error={error} />}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn primary"
          disabled={busy || selected.size === 0}
          onClick={() => void submit()}
        >
          {busy ? 'Adopting…' : `Adopt ${selected.size || ''} container${selected.size === 1 ? '' : 's'}`}
        </button>
      </div>
    </div>
  )
}

function AdoptGroup({
  group,
  selected,
  onToggle,
}: {
  group: AdoptableGroup
  selected: Set<string>
  onToggle(ids: string[], on: boolean): void
}) {
  const ids = group.containers.map((c) => c.id)
  const count = ids.filter((id) => selected.has(id)).length
  const boxRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (boxRef.current) boxRef.current.indeterminate = count > 0 && count < ids.length
  }, [count, ids.length])
  const title = group.composeProject ? `Compose project ${group.composeProject}` : 'Started on their own'
  const groupId = `adopt-${group.composeProject ?? 'none'}`
  return (
    <fieldset className="fieldset adopt-group" data-testid="adopt-group">
      <legend>
        <span className="checkbox">
          <input
            ref={boxRef}
            id={groupId}
            type="checkbox"
            checked={count === ids.length}
            onChange={(event) => onToggle(ids, event.target.checked)}
          />
          <label htmlFor={groupId}>
            {title} <span className="muted">({ids.length})</span>
          </label>
        </span>
      </legend>
      <table className="table" aria-label={title}>
        <thead>
          <tr>
            <th scope="col">Container</th>
            <th scope="col">Image</th>
            <th scope="col">State</th>
            <th scope="col">Becomes service</th>
          </tr>
        </thead>
        <tbody>
          {group.containers.map((container) => (
            <Fragment key={container.id}>
              <tr>
                <td>
                  <span className="checkbox">
                    <input
                      id={`adopt-${container.id}`}
                      type="checkbox"
                      checked={selected.has(container.id)}
                      onChange={(event) => onToggle([container.id], event.target.checked)}
                    />
                    <label htmlFor={`adopt-${container.id}`}>{container.name}</label>
                  </span>
                </td>
                <td className="mono-small wrap-anywhere">{container.image}</td>
                <td>
                  <ContainerStateChip state={container.state} />
                </td>
                <td className="mono-small">{container.suggestedName}</td>
              </tr>
              {container.warnings.length > 0 && (
                <tr className="adopt-warnings">
                  <td colSpan={4}>
                    <p className="muted">Kept while it runs, lost if glinrdock recreates it:</p>
                    <ul aria-label={`What adopting ${container.name} does not carry over`}>
                      {container.warnings.map((w, i) => (
                        <li key={`${i}-${w.path}`}>
                          <code>{w.path}</code> {w.message}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </fieldset>
  )
}
