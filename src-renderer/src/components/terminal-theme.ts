import type { ITheme } from '@xterm/xterm'
import { cssVar } from '../lib/theme'

export const TERMINAL_FONT = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', monospace"

/** xterm's colours from the app's CSS variables, so logs and terminals follow light and dark mode. */
export function terminalTheme(): ITheme {
  return {
    background: cssVar('--term-bg'),
    foreground: cssVar('--term-fg'),
    cursor: cssVar('--term-fg'),
    selectionBackground: cssVar('--term-selection'),
    red: cssVar('--term-red'),
    brightRed: cssVar('--term-red'),
    yellow: cssVar('--term-yellow'),
    brightBlack: cssVar('--muted'),
  }
}
