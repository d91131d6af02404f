#!/usr/bin/env node
// Runs before `npm start`. better-sqlite3 in node_modules is built for Node (the tests and `serve` use
// it); Electron needs its own ABI. Build a second copy for Electron into build/native/ and leave the
// Node one alone, so `npm test` and `npm start` never fight over one binary.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const outDir = join(root, 'build', 'native')
const target = join(outDir, 'better_sqlite3.node')
const stampFile = join(outDir, 'stamp.json')

const electronVersion = require('electron/package.json').version
const sqliteVersion = require('better-sqlite3/package.json').version
const stamp = JSON.stringify({ electronVersion, sqliteVersion, platform: process.platform, arch: process.arch })

// Read path.txt ourselves: requiring 'electron' without its binary starts a download.
const electronDir = dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')
const electronBinary = existsSync(pathFile)
  ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  : undefined
if (!electronBinary || !existsSync(electronBinary)) {
  console.error(
    "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD was set, or its download failed).\n" +
      'Run `node node_modules/electron/install.js` on a machine with internet access, or use headless mode: `npm run serve`.',
  )
  process.exit(1)
}

if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) process.exit(0)

console.log(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}…`)
const work = mkdtempSync(join(tmpdir(), 'glinrdock-native-'))
try {
  const source = dirname(require.resolve('better-sqlite3/package.json'))
  cpSync(source, work, { recursive: true, filter: (path) => !path.includes(`${source}/build`) })
  execFileSync(
    process.execPath,
    [
      require.resolve('node-gyp/bin/node-gyp.js'),
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--runtime=electron',
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: work, stdio: 'inherit' },
  )
  mkdirSync(outDir, { recursive: true })
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target)
  writeFileSync(stampFile, stamp)
} finally {
  rmSync(work, { recursive: true, force: true })
}
