import { ArrowDown, ArrowUp, Download, Eraser, FileSearch, Search, Trash2 } from 'lucide-react'
import { useEffect, useMemo, useState } from 'react'
import type { ResourceKind } from '../../../../src-preload/contract/resources'
import { RelativeTime } from '../../components/RelativeTime'
import { ShortId } from '../../components/ShortId'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { formatBytes } from '../../lib/format'
import { PermittedButton } from '../connection/PermittedButton'
import { paths } from '../shell/routes'
import { useQueryParam } from '../shell/use-route'
import { InspectDialog } from './InspectDialog'
import { PruneDialog } from './PruneDialog'
import { PullImageDialog } from './PullImageDialog'
import { RemoveResourceDialog } from './RemoveResourceDialog'
import { matchesResourceFilter, toRows, type ResourceRow } from './resource-rows'
import { EMPTY_ENTRY, entryKey, useResourcesStore } from './resources-store'

export const KIND_WORDS: Record<ResourceKind, { one: string; many: string }> = {
  image: { one: 'image', many: 'images' },
  volume: { one: 'volume', many: 'volumes' },
  network: { one: 'network', many: 'networks' },
}

type SortKey = 'name' | 'size' | 'created' | 'users'
const SORTS: Record<SortKey, (a: ResourceRow, b: ResourceRow) => number> = {
  name: (a, b) => a.name.localeCompare(b.name),
  size: (a, b) => (a.sizeBytes ?? -1) - (b.sizeBytes ?? -1),
  created: (a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''),
  users: (a, b) => a.users.length - b.users.length,
}

/** Images, volumes or networks of one host: what they hold, who uses them, remove, inspect, prune. */
export function ResourcesView({ hostId, kind }: { hostId: string; kind: ResourceKind }) {
  const watch = useResourcesStore((s) => s.watch)
  const load = useResourcesStore((s) => s.load)
  const entry = useResourcesStore((s) => s.entries[entryKey(hostId, kind)]) ?? EMPTY_ENTRY
  useEffect(() => watch(hostId, kind), [watch, hostId, kind])
  const [filter, setFilter] = useQueryParam('find')
  const [sortParam, setSort] = useQueryParam('order', 'name')
  const [removing, setRemoving] = useState<ResourceRow | null>(null)
  const [inspecting, setInspecting] = useState<ResourceRow | null>(null)
  const [pruning, setPruning] = useState(false)
  const [pulling, setPulling] = useState(false)
  const words = KIND_WORDS[kind]

  const sortKey = (sortParam.replace(/^-/, '') as SortKey) in SORTS ? (sortParam.replace(/^-/, '') as SortKey) : 'name'
  const descending = sortParam.startsWith('-')
  const all = useMemo(() => toRows(kind, entry.list), [kind, entry.list])
  const rows = useMemo(() => {
    const kept = filter.trim() ? all.filter((row) => matchesResourceFilter(row, filter)) : all
    const sorted = [...kept].sort(SORTS[sortKey])
    return descending ? sorted.reverse() : sorted
  }, [all, filter, sortKey, descending])

  if (entry.status === 'error' && entry.error) {
    return <ErrorState error={entry.error} onRetry={() => void load(hostId, kind)} />
  }
  if (entry.status === 'loading') return <Loading label={`Loading ${words.many}…`} />

  const header = (key: SortKey, label: string) => {
    const active = sortKey === key
    return (
      <th scope="col" aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}>
        <button type="button" className="sort-btn" onClick={() => setSort(active && !descending ? `-${key}` : key)}>
          {label}
          {active &&
            (descending ? <ArrowDown size={12} aria-hidden="true" /> : <ArrowUp size={12} aria-hidden="true" />)}
        </button>
      </th>
    )
  }
  const totalSize = all.reduce((sum, row) => sum + (row.sizeBytes ?? 0), 0)

  return (
    <div className="resources stack">
      <div className="toolbar">
        <div className="search-box">
          <Search size={14} aria-hidden="true" />
          <input
            type="search"
            aria-label={`Filter ${words.many}`}
            placeholder={`Filter: name, id, container${kind === 'image' ? ', dangling' : ''}, unused, in-use`}
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
        <span className="muted" data-testid={`${kind}s-count`} aria-live="polite">
          {rows.length === all.length ? `${all.length}` : `${rows.length} of ${all.length}`}{' '}
          {all.length === 1 ? words.one : words.many}
          {kind !== 'network' && totalSize > 0 ? ` · ${formatBytes(totalSize)}` : ''}
        </span>
        <div className="toolbar-end">
          {kind === 'image' && (
            <PermittedButton permission="operate" className="btn" onClick={() => setPulling(true)}>
              <Download size={14} aria-hidden="true" /> Pull image…
            </PermittedButton>
          )}
          <PermittedButton permission="operate" className="btn" onClick={() => setPruning(true)}>
            <Eraser size={14} aria-hidden="true" /> Prune unused…
          </PermittedButton>
        </div>
      </div>
      {all.length === 0 ? (
        <EmptyState title={`No ${words.many} on this host`}>
          {kind === 'image'
            ? 'Images appear here when they are pulled or built on this engine.'
            : kind === 'volume'
              ? 'Volumes appear here when a container or `docker volume create` makes one.'
              : 'Networks appear here when compose or `docker network create` makes one.'}
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState title={`No ${words.many} match this filter`}>Clear the filter to see all {all.length}.</EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table data-table resource-table" aria-label={words.many}>
            <thead>
              <tr>
                {header('name', kind === 'image' ? 'Image' : 'Name')}
                {kind !== 'network' && header('size', 'Size')}
                {header('created', 'Created')}
                {header('users', 'Used by')}
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-testid={`${kind}-row`}>
                  <td>
                    <div className="name-cell">
                      <span className="name wrap-anywhere">{row.name}</span>
                      {row.shortId && <ShortId id={row.shortId} label={`Copy ID of ${row.name}`} />}
                      {row.detail && <span className="muted small">{row.detail}</span>}
                      {row.protectedBy && (
                        <span
                          className="muted small wrap-anywhere"
                          style={{ whiteSpace: 'normal' }}
                          data-testid="image-protected"
                          title="One of this service’s last successful deployments: no prune in glinrdock removes it"
                        >
                          Kept for rollback of {row.protectedBy}
                        </span>
                      )}
                    </div>
                  </td>
                  {kind !== 'network' && <td>{row.sizeBytes === null ? '—' : formatBytes(row.sizeBytes)}</td>}
                  <td>{row.createdAt ? <RelativeTime iso={row.createdAt} /> : '—'}</td>
                  <td>
                    {row.users.length === 0 ? (
                      <span className="muted">unused</span>
                    ) : (
                      <span className="users-cell">
                        {row.users.map((user) => (
                          <a key={user.id} href={`#${paths.container(hostId, user.id)}`} className="link-btn">
                            {user.name}
                          </a>
                        ))}
                      </span>
                    )}
                  </td>
                  <td className="actions">
                    <div className="row-actions">
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label={`Inspect ${row.name}`}
                        title="Inspect"
                        onClick={() => setInspecting(row)}
                      >
                        <FileSearch size={14} aria-hidden="true" />
                      </button>
                      <PermittedButton
                        permission="operate"
                        className="icon-btn danger"
                        aria-label={`Remove ${row.name}`}
                        title={row.fixed ?? 'Remove'}
                        disabled={row.fixed !== null}
                        onClick={() => setRemoving(row)}
                      >
                        <Trash2 size={14} aria-hidden="true" />
                      </PermittedButton>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RemoveResourceDialog hostId={hostId} kind={kind} row={removing} onClose={() => setRemoving(null)} />
      <InspectDialog hostId={hostId} kind={kind} row={inspecting} onClose={() => setInspecting(null)} />
      <PruneDialog hostId={hostId} kind={kind} open={pruning} onClose={() => setPruning(false)} />
      {kind === 'image' && <PullImageDialog hostId={hostId} open={pulling} onClose={() => setPulling(false)} />}
    </div>
  )
}
