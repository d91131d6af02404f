#!/usr/bin/env node
// `npm run serve -- [options]`: build when the output is missing or older than the sources, then run
// the headless server in this process's place (signals and exit code pass straight through).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(root, 'out/main/serve.js')
const SOURCES = ['src-main', 'src-preload', 'src-renderer', 'migrations', 'electron.vite.config.ts', 'package.json']

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

const builtAt = Math.min(newestMtime(entry), newestMtime(join(root, 'out/renderer/index.html')))
if (builtAt === 0 || Math.max(...SOURCES.map((s) => newestMtime(join(root, s)))) > builtAt) {
  process.stderr.write('building glinrdock…\n')
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const child = spawn(process.execPath, [entry, ...process.argv.slice(2)], { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
