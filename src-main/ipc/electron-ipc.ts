import { ipcMain } from 'electron'
import { registerIpcAdapter, type SenderCheck } from './ipc-adapter'
import type { EventBus } from '../core/events/event-bus'
import type { Dispatcher } from '../core/rpc/dispatcher'

/** Binds the adapter to Electron's real ipcMain; the only import of ipcMain in the main process. */
export function registerElectronIpc(deps: { dispatcher: Dispatcher; events: EventBus; isTrustedSender: SenderCheck }) {
  return registerIpcAdapter({ ipcMain, ...deps })
}
