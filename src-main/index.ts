/**
 * The Electron shell: window, tray, safeStorage and ipcMain wiring. Everything stateful lives in the
 * core (built by bootstrap.ts), which never imports electron and is tested under plain Node.
 */
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  nativeImage,
  safeStorage,
  session,
  shell,
  Tray,
  type MenuItemConstructorOptions,
} from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createCore, type Core } from './bootstrap'
import { ElectronDesktopNotifier } from './desktop-notifier'
import { createLogger } from './infra/logging/logger'
import { createSafeStorageWrapper } from './infra/secrets/safe-storage-wrapper'
import { registerElectronIpc } from './ipc/electron-ipc'
import { createSenderCheck } from './ipc/ipc-adapter'
import { CONTENT_SECURITY_POLICY } from './server/static-files'

const logger = createLogger()
const rendererIndex = join(__dirname, '../renderer/index.html')
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined

let mainWindow: BrowserWindow | null = null
let tray: Tray | null = null
let core: Core | null = null
let disposeIpc: (() => void) | null = null

function isAppUrl(url: string): boolean {
  if (devServerUrl) return url.startsWith(new URL(devServerUrl).origin + '/')
  return url.split('#')[0] === pathToFileURL(rendererIndex).href
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'glinrdock',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  // No new windows ever; a published port's http(s) link opens in the user's browser instead.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isWebUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  win.webContents.on('will-redirect', (event) => event.preventDefault())
  win.on('closed', () => {
    mainWindow = null
  })
  if (devServerUrl) void win.loadURL(devServerUrl)
  else void win.loadFile(rendererIndex)
  return win
}

function showWindow(): void {
  mainWindow ??= createWindow()
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

const trayBaseMenu = (): MenuItemConstructorOptions[] => [
  { label: 'Open glinrdock', click: showWindow },
  { type: 'separator' },
  { label: 'Quit', click: () => app.quit() },
]

function createTray(): Tray {
  const icon = nativeImage.createFromPath(join(__dirname, '../../resources/tray.png'))
  const t = new Tray(icon)
  t.setToolTip('glinrdock')
  t.setContextMenu(Menu.buildFromTemplate(trayBaseMenu()))
  t.on('click', showWindow)
  return t
}

/** The tray's "Roll back": confirmed first (it replaces what runs), then the same request the renderer makes. */
async function confirmRollback(serviceId: string): Promise<void> {
  const { response } = await dialog.showMessageBox({
    type: 'question',
    buttons: ['Roll back', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Roll this service back to its previous successful deployment?',
  })
  if (response !== 0 || !core) return
  const result = await core.dispatcher.call('cicd.rollback', { serviceId }, { role: 'admin', actor: 'desktop' })
  if (!result.ok) dialog.showErrorBox('Rollback not started', result.error.message)
}

const desktopNotifier = new ElectronDesktopNotifier({
  showWindow: () => {
    showWindow()
    return mainWindow!
  },
  baseMenu: trayBaseMenu,
  rollback: (serviceId) => void confirmRollback(serviceId),
})

function hardenSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    })
  })
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })
}

async function start(): Promise<void> {
  hardenSessions()
  const electronSqlite = join(app.getAppPath(), 'build', 'native', 'better_sqlite3.node')
  core = await createCore({
    dataDir: app.getPath('userData'),
    mode: 'desktop',
    logger,
    keyWrapper: () => createSafeStorageWrapper(safeStorage, process.platform),
    nativeBinding: existsSync(electronSqlite) ? electronSqlite : undefined,
    desktopNotifier,
  })
  disposeIpc = registerElectronIpc({
    dispatcher: core.dispatcher,
    events: core.events,
    isTrustedSender: createSenderCheck(() => (mainWindow ? [mainWindow.webContents] : []), isAppUrl),
  })
  tray = createTray()
  desktopNotifier.attachTray(tray)
  showWindow()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', showWindow)
  app.on('activate', showWindow)
  // The tray keeps the app alive: closing the window does not stop watching builds and hosts.
  app.on('window-all-closed', () => undefined)
  app.on('before-quit', () => {
    disposeIpc?.()
    core?.dispose()
    tray?.destroy()
  })
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      logger.error({ err }, 'startup failed')
      dialog.showErrorBox('glinrdock could not start', err instanceof Error ? err.message : String(err))
      app.exit(1)
    })
}

/** Only plain web addresses leave the app (never file:, javascript: or custom schemes). */
function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}
