import type { Duplex } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import type { ExecInput } from '../../../src-preload/contract/containers'
import { containerOf, mapDockerError } from '../../infra/docker'
import type { StreamControl, StreamSink } from '../rpc/stream-channel'
import { toErrorBody } from '../shared/app-error'
import type { ContainerService } from './container-service'

export interface ExecParams {
  hostId: string
  containerId: string
  command: string[]
  cols: number
  rows: number
  /** `docker exec --user`; the image's default user when absent. */
  user?: string
}

/**
 * An interactive terminal in a container: a TTY exec whose hijacked connection carries keystrokes
 * in and raw output back. The command is an argv array handed to the engine, never a shell string.
 */
export async function openExecSession(
  containers: ContainerService,
  params: ExecParams,
  sink: StreamSink<{ data: string }>,
): Promise<StreamControl<ExecInput>> {
  const docker = await containers.docker(params.hostId)
  let exec: Awaited<ReturnType<ReturnType<typeof docker.getContainer>['exec']>>
  let stream: Duplex
  try {
    exec = await containerOf(docker, params.containerId).exec({
      Cmd: params.command,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      // No COLUMNS/LINES: shells prefer them over the tty's real size, so every later resize would be ignored.
      Env: ['TERM=xterm-256color'],
      ...(params.user !== undefined ? { User: params.user } : {}),
    })
    stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex
    await exec.resize({ h: params.rows, w: params.cols }).catch(() => undefined)
  } catch (err) {
    throw mapDockerError(err, `container ${params.containerId}`)
  }

  // Output is raw terminal bytes; decode across chunk boundaries so multibyte characters survive.
  const decoder = new StringDecoder('utf8')
  let ended = false
  const end = (error?: unknown): void => {
    if (ended) return
    ended = true
    const rest = decoder.end()
    if (rest) sink.data({ data: rest })
    sink.end(error ? toErrorBody(error) : undefined)
  }
  stream.on('data', (chunk: Buffer) => {
    const text = decoder.write(chunk)
    if (text) sink.data({ data: text }, text.length)
    if (sink.congested) stream.pause()
  })
  sink.onDrain(() => stream.resume())
  stream.once('end', () => end())
  stream.once('close', () => end())
  stream.once('error', (err) => end(mapDockerError(err, 'exec')))

  return {
    input(input) {
      if (ended) return
      if (input.type === 'data') stream.write(input.data)
      else void exec.resize({ h: input.rows, w: input.cols }).catch(() => undefined)
    },
    close() {
      stream.end()
      stream.destroy()
      end()
    },
  }
}
