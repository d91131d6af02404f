import 'uplot/dist/uPlot.min.css'
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import { cssVar, onColorSchemeChange, withAlpha } from '../../../lib/theme'
import { yRange } from './chart-range'

interface StatsChartProps {
  label: string
  /** `[time, values]` in uPlot's column layout. */
  data: [number[], number[]]
  format(value: number): string
  /** Lowest top of the y axis (100 for CPU %, so a quiet container does not look busy). */
  minTop?: number
  colorVar: string
}

const HEIGHT = 170

/** A small live line chart; colours are read from CSS variables at draw time, so dark mode just redraws. */
export function StatsChart({ label, data, format, minTop = 0, colorVar }: StatsChartProps) {
  const boxRef = useRef<HTMLDivElement>(null)
  const plotRef = useRef<uPlot | null>(null)

  useEffect(() => {
    const box = boxRef.current!
    const axis = (): uPlot.Axis => ({
      stroke: () => cssVar('--muted'),
      grid: { stroke: () => cssVar('--border'), width: 1 },
      ticks: { stroke: () => cssVar('--border'), width: 1 },
    })
    const plot = new uPlot(
      {
        width: Math.max(200, box.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => yRange(max, minTop) } },
        axes: [axis(), { ...axis(), size: 64, values: (_u, splits) => splits.map(format) }],
        series: [
          {},
          {
            label,
            stroke: () => cssVar(colorVar),
            fill: () => withAlpha(cssVar(colorVar), 0.18),
            width: 1.5,
            points: { show: false },
          },
        ],
      },
      [[], []],
      box,
    )
    plotRef.current = plot
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(200, box.clientWidth), height: HEIGHT }))
    observer.observe(box)
    const stopScheme = onColorSchemeChange(() => plot.redraw(false))
    return () => {
      observer.disconnect()
      stopScheme()
      plot.destroy()
      plotRef.current = null
    }
  }, [label, format, minTop, colorVar])

  useEffect(() => {
    plotRef.current?.setData(data)
  }, [data])

  return <div className="chart" ref={boxRef} role="img" aria-label={`${label}, last 5 minutes`} />
}
