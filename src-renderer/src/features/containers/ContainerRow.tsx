import { flexRender, type Row } from '@tanstack/react-table'
import { memo } from 'react'
import type { ContainerSummary } from '../../../../src-preload/contract/containers'

interface ContainerRowProps {
  row: Row<ContainerSummary>
  index: number
  height: number
  active: boolean
  selected: boolean
  /** Changes when columns are shown or hidden, so the memoized row re-renders its cells. */
  columnsKey: string
}

/**
 * One table row. Memoized: while scrolling only rows entering the view render; events are handled by
 * the table body (delegation), so rows take no callbacks that would defeat the memo.
 */
export const ContainerRow = memo(function ContainerRow({ row, index, height, active, selected }: ContainerRowProps) {
  return (
    <tr
      data-index={index}
      data-testid="container-row"
      data-container-id={row.id}
      aria-rowindex={index + 2}
      tabIndex={active ? 0 : -1}
      className={`clickable ${selected ? 'selected' : ''}`}
      style={{ height }}
    >
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id} className={`cell-${cell.column.id}`}>
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </td>
      ))}
    </tr>
  )
})
