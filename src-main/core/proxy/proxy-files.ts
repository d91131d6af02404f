import type Dockerode from 'dockerode'
import { pack } from 'tar-stream'
import { mapDockerError } from '../../infra/docker'
import { AppError } from '../shared/app-error'

/** A file or directory for the proxy, relative to the volume it lands in (never absolute, never `..`). */
export interface ProxyFile {
  path: string
  content?: string | Buffer
  /** 0644 for configuration, 0600 for keys; directories default to 0755. */
  mode?: number
}

function checkRelative(path: string): void {
  if (path === '' || path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new AppError('internal', `Refusing to write ${JSON.stringify(path)} into the proxy`)
  }
}

/** An in-memory tar: configuration is a few kB, so streaming buys nothing here. */
async function tarOf(files: ProxyFile[]): Promise<Buffer> {
  const archive = pack()
  const chunks: Buffer[] = []
  archive.on('data', (chunk) => chunks.push(chunk as Buffer))
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve)
    archive.on('error', reject)
  })
  const mtime = new Date()
  for (const file of files) {
    checkRelative(file.path)
    const header = { name: file.path, uid: 0, gid: 0, mtime }
    if (file.content === undefined) archive.entry({ ...header, type: 'directory', mode: file.mode ?? 0o755 })
    else archive.entry({ ...header, type: 'file', mode: file.mode ?? 0o644 }, file.content)
  }
  archive.finalize()
  await done
  return Buffer.concat(chunks)
}

/**
 * Puts files into the container below `base` (a volume mountpoint, which always exists). Works on a created
 * container that has not started yet too: the engine mounts its volumes for the archive call.
 */
export async function putFiles(
  container: Dockerode.Container,
  base: string,
  files: ProxyFile[],
  signal?: AbortSignal,
): Promise<void> {
  const tar = await tarOf(files)
  try {
    await container.putArchive(tar, { path: base, abortSignal: signal })
  } catch (err) {
    throw mapDockerError(err, `proxy files in ${base}`)
  }
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Splits the engine's multiplexed exec output (8-byte frame headers: stream, 0, 0, 0, uint32 BE length). */
export function demuxExec(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = []
  const err: Buffer[] = []
  let offset = 0
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset]
    const length = buffer.readUInt32BE(offset + 4)
    const frame = buffer.subarray(offset + 8, offset + 8 + length)
    ;(stream === 2 ? err : out).push(frame)
    offset += 8 + length
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }
}

/** Runs argv in the container (never a shell string) and answers its output and exit code. */
export async function execIn(
  container: Dockerode.Container,
  argv: string[],
  signal?: AbortSignal,
): Promise<ExecResult> {
  signal?.throwIfAborted()
  try {
    const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false })
    const stream = await exec.start({ hijack: true, stdin: false })
    const chunks: Buffer[] = []
    await new Promise<void>((resolve, reject) => {
      const abort = (): void => {
        stream.destroy()
        reject(new AppError('interrupted', 'Canceled'))
      }
      signal?.addEventListener('abort', abort, { once: true })
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        signal?.removeEventListener('abort', abort)
        resolve()
      })
      stream.on('close', () => {
        signal?.removeEventListener('abort', abort)
        resolve()
      })
      stream.on('error', reject)
    })
    // The stream can end a moment before the engine records the exit code.
    let info = await exec.inspect()
    for (let i = 0; i < 50 && info.Running; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      info = await exec.inspect()
    }
    const { stdout, stderr } = demuxExec(Buffer.concat(chunks))
    return { exitCode: info.ExitCode ?? -1, stdout, stderr }
  } catch (err) {
    throw mapDockerError(err, `exec ${argv[0]} in the proxy`)
  }
}
