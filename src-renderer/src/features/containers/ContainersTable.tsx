import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type RowSelectionState,
  type SortingState,
  type VisibilityState,
} from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { ArrowDown, ArrowUp, Search } from 'lucide-react'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'
import { EmptyState } from '../../components/States'
import { useElementWidth } from '../../components/use-element-width'
import { navigation, useQueryParam } from '../shell/use-route'
import { BulkActions } from './BulkActions'
import { containerColumns, OPTIONAL_COLUMNS, type ContainersTableMeta } from './container-columns'
import { matchesFilter } from './container-filter'
import { ContainerRow } from './ContainerRow'
import { RemoveContainerDialog } from './RemoveContainerDialog'

const ROW_HEIGHT = 46
const FULL_WIDTH = containerColumns.reduce((sum, column) => sum + (column.size ?? 0), 0)
const SIZE = new Map(containerColumns.map((column) => [column.id, column.size ?? 0]))

/** Hides optional columns, least useful first, until the rest fit the width. */
function visibilityFor(width: number): VisibilityState {
  const hidden: VisibilityState = {}
  let total = FULL_WIDTH
  for (const id of OPTIONAL_COLUMNS) {
    if (width === 0 || total <= width) break
    hidden[id] = false
    total -= SIZE.get(id) ?? 0
  }
  return hidden
}

/** Sortable, filterable, virtualized: thousands of rows render only the ones in view. */
interface ContainersTableProps {
  hostId: string
  containers: ContainerSummary[]
  /** For links to published ports: the host's name as this computer reaches it. */
  linkHost: string
  remote: boolean
}

/** `name`, `-created`: the sort as it stands in the address. */
const sortingFrom = (value: string): SortingState =>
  value ? [{ id: value.replace(/^-/, ''), desc: value.startsWith('-') }] : [{ id: 'name', desc: false }]
const sortingText = (sorting: SortingState): string =>
  sorting[0] ? `${sorting[0].desc ? '-' : ''}${sorting[0].id}` : ''

export function ContainersTable({ hostId, containers, linkHost, remote }: ContainersTableProps) {
  // Filter and sort live in the address: Back from a container, a reload or a shared link keep them.
  const [filter, setFilter] = useQueryParam('q')
  const [sortParam, setSortParam] = useQueryParam('sort', 'name')
  const sorting = useMemo(() => sortingFrom(sortParam), [sortParam])
  const setSorting = (updater: SortingState | ((old: SortingState) => SortingState)): void =>
    setSortParam(sortingText(typeof updater === 'function' ? updater(sorting) : updater) || 'name')
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({})
  const [removing, setRemoving] = useState<ContainerSummary | null>(null)
  const [activeIndex, setActiveIndex] = useState(0)
  const scrollRef = useRef<HTMLDivElement>(null)
  const boxRef = useRef<HTMLDivElement>(null)
  const width = useElementWidth(boxRef)
  const columnVisibility = useMemo(() => visibilityFor(width), [width])
  const columnsKey = Object.keys(columnVisibility).join(',')

  const data = useMemo(
    () => (filter.trim() ? containers.filter((c) => matchesFilter(c, filter)) : containers),
    [containers, filter],
  )
  const meta = useMemo<ContainersTableMeta>(
    () => ({ hostId, askRemove: setRemoving, linkHost, remote }),
    [hostId, linkHost, remote],
  )
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table returns fresh functions by design
  const table = useReactTable({
    data,
    columns: containerColumns,
    state: { sorting, rowSelection, columnVisibility },
    meta,
    getRowId: (row) => row.id,
    onSortingChange: setSorting,
    onRowSelectionChange: setRowSelection,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  })
  const rows = table.getRowModel().rows
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  })
  const items = virtualizer.getVirtualItems()
  const paddingTop = items[0]?.start ?? 0
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0
  const selected = table.getSelectedRowModel().rows.map((row) => row.original)
  const active = Math.min(activeIndex, Math.max(0, rows.length - 1))

  /** A row to focus once the virtualizer has rendered it (it may be outside the rendered range). */
  const pendingFocus = useRef<number | null>(null)
  const focusRow = (index: number): void => {
    const target = Math.max(0, Math.min(rows.length - 1, index))
    setActiveIndex(target)
    virtualizer.scrollToIndex(target, { align: 'auto' })
    const element = scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${target}"]`)
    if (element) element.focus({ preventScroll: true })
    else pendingFocus.current = target
  }
  useEffect(() => {
    if (pendingFocus.current === null) return
    const element = scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${pendingFocus.current}"]`)
    if (element) {
      pendingFocus.current = null
      element.focus({ preventScroll: true })
    }
  })

  const rowOf = (target: EventTarget): { index: number; container: ContainerSummary } | null => {
    const element = (target as HTMLElement).closest<HTMLElement>('tr[data-index]')
    const index = Number(element?.dataset.index)
    const container = Number.isInteger(index) ? rows[index]?.original : undefined
    return container ? { index, container } : null
  }

  const onBodyKeyDown = (event: React.KeyboardEvent<HTMLElement>): void => {
    const hit = rowOf(event.target)
    // Keys typed into a row's buttons and checkboxes are theirs.
    if (!hit || (event.target as HTMLElement).tagName !== 'TR') return
    const { index, container } = hit
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + 10,
      PageUp: index - 10,
      Home: 0,
      End: rows.length - 1,
    }
    if (event.key in moves) {
      event.preventDefault()
      focusRow(moves[event.key]!)
    } else if (event.key === 'Enter') {
      navigation.container(hostId, container.id)
    } else if (event.key === ' ') {
      event.preventDefault()
      table.getRow(container.id).toggleSelected()
    }
  }

  const onBodyClick = (event: React.MouseEvent<HTMLElement>): void => {
    if ((event.target as HTMLElement).closest('button, input, a, label')) return
    const hit = rowOf(event.target)
    if (hit) navigation.container(hostId, hit.container.id)
  }

  const onBodyFocus = (event: React.FocusEvent<HTMLElement>): void => {
    const hit = rowOf(event.target)
    if (hit && hit.index !== activeIndex) setActiveIndex(hit.index)
  }

  return (
    <div className="containers" ref={boxRef}>
      <div className="toolbar">
        <div className="search-box">
          <Search size={14} aria-hidden="true" />
          <input
            type="search"
            aria-label="Filter containers"
            placeholder="Filter: name, image, state, label or key=value"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
        <span className="muted" data-testid="containers-count" aria-live="polite">
          {data.length === containers.length ? `${containers.length}` : `${data.length} of ${containers.length}`}{' '}
          {containers.length === 1 ? 'container' : 'containers'}
          {selected.length > 0 ? ` · ${selected.length} selected` : ''}
        </span>
        <div className="toolbar-end">
          <BulkActions hostId={hostId} selected={selected} />
        </div>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No containers match this filter">
          Clear the filter to see all {containers.length}.
        </EmptyState>
      ) : (
        <div className="table-scroll" ref={scrollRef}>
          <table
            className="table data-table"
            aria-label="Containers"
            aria-rowcount={rows.length + 1}
            style={{ minWidth: table.getVisibleLeafColumns().reduce((sum, column) => sum + column.getSize(), 0) }}
          >
            <colgroup>
              {table.getVisibleLeafColumns().map((column) => (
                // The image column takes whatever width is left, so wide windows show long image names.
                <col key={column.id} style={column.id === 'image' ? undefined : { width: column.getSize() }} />
              ))}
            </colgroup>
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id} aria-rowindex={1}>
                  {group.headers.map((header) => {
                    const sorted = header.column.getIsSorted()
                    return (
                      <th
                        key={header.id}
                        scope="col"
                        aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                      >
                        {header.column.getCanSort() ? (
                          <button type="button" className="sort-btn" onClick={header.column.getToggleSortingHandler()}>
                            {flexRender(header.column.columnDef.header, header.getContext())}
                            {sorted === 'asc' && <ArrowUp size={12} aria-hidden="true" />}
                            {sorted === 'desc' && <ArrowDown size={12} aria-hidden="true" />}
                          </button>
                        ) : (
                          flexRender(header.column.columnDef.header, header.getContext())
                        )}
                      </th>
                    )
                  })}
                </tr>
              ))}
            </thead>
            <tbody onKeyDown={onBodyKeyDown} onClick={onBodyClick} onFocus={onBodyFocus}>
              {paddingTop > 0 && <tr aria-hidden="true" style={{ height: paddingTop }} />}
              {items.map((item) => {
                const row = rows[item.index]!
                return (
                  <ContainerRow
                    key={row.id}
                    row={row}
                    index={item.index}
                    height={ROW_HEIGHT}
                    active={item.index === active}
                    selected={row.getIsSelected()}
                    columnsKey={columnsKey}
                  />
                )
              })}
              {paddingBottom > 0 && <tr aria-hidden="true" style={{ height: paddingBottom }} />}
            </tbody>
          </table>
        </div>
      )}
      <RemoveContainerDialog hostId={hostId} container={removing} onClose={() => setRemoving(null)} />
    </div>
  )
}
