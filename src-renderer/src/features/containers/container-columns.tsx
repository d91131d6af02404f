import type { ColumnDef, Table } from '@tanstack/react-table'
import { useEffect, useRef } from 'react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { RelativeTime } from '../../components/RelativeTime'
import { ShortId } from '../../components/ShortId'
import { ContainerStateChip } from '../../components/StateChip'
import { portViews } from './ports'
import { ContainerActions } from './ContainerActions'

export interface ContainersTableMeta {
  hostId: string
  askRemove(container: ContainerSummary): void
  /** The name links to published ports use (see ports.ts). */
  linkHost: string
  remote: boolean
}

function PortsCell({ container, meta: m }: { container: ContainerSummary; meta: ContainersTableMeta }) {
  const views = portViews(container.ports, m.linkHost, m.remote)
  return (
    <span className="ports-cell mono-small">
      {views.map((view) =>
        view.href ? (
          <a key={view.key} href={view.href} target="_blank" rel="noopener noreferrer" title={`Open ${view.href}`}>
            {view.text}
          </a>
        ) : (
          <span key={view.key}>{view.text}</span>
        ),
      )}
    </span>
  )
}

const meta = (table: Table<ContainerSummary>): ContainersTableMeta => table.options.meta as ContainersTableMeta

function Checkbox(props: { checked: boolean; indeterminate?: boolean; label: string; onChange(): void }) {
  const ref = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = props.indeterminate ?? false
  }, [props.indeterminate])
  return <input ref={ref} type="checkbox" aria-label={props.label} checked={props.checked} onChange={props.onChange} />
}

/** Dropped first when the table is narrow (a 900 px window), in this order. */
export const OPTIONAL_COLUMNS = ['project', 'ports', 'created'] as const

export const containerColumns: ColumnDef<ContainerSummary>[] = [
  {
    id: 'select',
    size: 36,
    enableSorting: false,
    header: ({ table }) => (
      <Checkbox
        label="Select all containers"
        checked={table.getIsAllRowsSelected()}
        indeterminate={table.getIsSomeRowsSelected()}
        onChange={() => table.toggleAllRowsSelected()}
      />
    ),
    cell: ({ row }) => (
      <Checkbox
        label={`Select ${row.original.name}`}
        checked={row.getIsSelected()}
        onChange={() => row.toggleSelected()}
      />
    ),
  },
  {
    id: 'name',
    accessorKey: 'name',
    header: 'Name',
    size: 200,
    cell: ({ row }) => (
      <div className="name-cell">
        <span className="name" title={row.original.name}>
          {row.original.name}
        </span>
        <ShortId id={row.original.id} label={`Copy ID of ${row.original.name}`} />
      </div>
    ),
  },
  {
    id: 'image',
    accessorKey: 'image',
    header: 'Image',
    // The one column without a fixed width: it takes the room the others leave (see ContainersTable).
    size: 160,
    sortingFn: 'text',
    cell: ({ getValue }) => <span title={getValue<string>()}>{getValue<string>()}</span>,
  },
  {
    id: 'state',
    accessorKey: 'state',
    header: 'State',
    size: 180,
    sortingFn: 'text',
    cell: ({ row }) => (
      <div className="state-cell">
        <ContainerStateChip state={row.original.state} status={row.original.status} />
        <span className="muted small" title={row.original.status}>
          {row.original.status}
        </span>
      </div>
    ),
  },
  {
    id: 'ports',
    header: 'Ports',
    size: 190,
    enableSorting: false,
    cell: ({ row, table }) => <PortsCell container={row.original} meta={meta(table)} />,
  },
  {
    id: 'created',
    accessorKey: 'createdAt',
    header: 'Created',
    size: 130,
    // ISO 8601 strings sort as the instants they name.
    sortingFn: 'basic',
    sortDescFirst: true,
    cell: ({ getValue }) => <RelativeTime iso={getValue<string>()} />,
  },
  {
    id: 'project',
    accessorFn: (container) => container.composeProject ?? '',
    header: 'Project',
    size: 100,
    sortingFn: 'text',
  },
  {
    id: 'actions',
    size: 112,
    enableSorting: false,
    header: () => <span className="sr-only">Actions</span>,
    cell: ({ row, table }) => (
      <ContainerActions hostId={meta(table).hostId} container={row.original} onRemove={meta(table).askRemove} compact />
    ),
  },
]
