import type { IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import type Dockerode from 'dockerode'
import { mapDockerError, readErrorMessage, readJsonLines } from '../../infra/docker'
import { AppError, isAppError } from '../shared/app-error'
import { LineAssembler } from './build-log'

export interface EngineBuildRequest {
  /** The tar of the context, read once as the engine consumes it. */
  context: Readable
  tag: string
  dockerfile: string
  target?: string
  buildArgs?: Record<string, string>
  labels?: Record<string, string>
  signal?: AbortSignal
  /** Whole lines of the engine's output, as `docker build` prints them. */
  onLines: (lines: string[]) => void
  /** `Step 3/7`: where the build is. */
  onStep?: (step: number, of: number) => void
}

// Every status is taken as a stream so the engine's own `{"message"}` is read here, not docker-modem's summary.
const EVERY_STATUS: Record<number, true> = Object.fromEntries(
  Array.from({ length: 500 }, (_, i) => [i + 100, true] as const),
)
const STEP = /^Step (\d+)\/(\d+) :/

interface BuildLine {
  stream?: string
  status?: string
  error?: string
  errorDetail?: { message?: string }
  aux?: { ID?: string }
}

/**
 * `POST /build` with the context streamed from the tar (never held whole), on whatever engine `docker` reaches (a
 * tunnel for remote hosts). The engine's output goes to `onLines` as it comes; a refusal (400: a Dockerfile it cannot
 * parse) or an `error` line inside the 200 stream (a failing step) is `build_failed` with the engine's own message.
 * Aborting the signal destroys the request, and the engine cancels the build and removes its build container.
 * Resolves with the image id.
 */
export async function buildOnEngine(docker: Dockerode, request: EngineBuildRequest): Promise<string> {
  const { signal } = request
  if (signal?.aborted) throw abortReason(signal)
  let imageId: string | null = null
  const lines = new LineAssembler()
  const emit = (out: string[]): void => {
    if (out.length === 0) return
    for (const line of out) {
      const step = STEP.exec(line)
      if (step) request.onStep?.(Number(step[1]), Number(step[2]))
    }
    request.onLines(out)
  }
  try {
    const res = await dial(docker, request)
    if (res.statusCode !== 200) {
      const message = await readErrorMessage(res)
      throw new AppError('build_failed', message || `The engine refused the build (HTTP ${res.statusCode})`)
    }
    await readJsonLines<BuildLine>(
      res,
      signal,
      (line) => {
        if (typeof line.stream === 'string') emit(lines.push(line.stream))
        else if (typeof line.status === 'string') emit(lines.push(`${line.status}\n`))
        const failure = line.errorDetail?.message ?? line.error
        if (typeof failure === 'string') {
          emit(lines.flush())
          throw new AppError('build_failed', failure.trim().slice(0, 4000) || 'The build failed')
        }
        if (typeof line.aux?.ID === 'string') imageId = line.aux.ID
      },
      'build',
    )
    emit(lines.flush())
  } catch (err) {
    emit(lines.flush())
    if (signal?.aborted) throw abortReason(signal)
    throw isAppError(err) ? err : mapDockerError(err, 'image build')
  }
  // Older engines send no `aux`: the tag names what was built.
  if (imageId) return imageId
  try {
    return (await docker.getImage(request.tag).inspect()).Id
  } catch (err) {
    throw mapDockerError(err, `built image ${request.tag}`)
  }
}

function dial(docker: Dockerode, request: EngineBuildRequest): Promise<IncomingMessage> {
  const options: Record<string, unknown> = {
    t: request.tag,
    dockerfile: request.dockerfile,
    // The intermediate containers go, whether the build succeeds, fails or is canceled.
    rm: true,
    forcerm: true,
    // Base images come from the engine's own store or its registries as configured; never a forced pull.
    pull: false,
  }
  if (request.target) options.target = request.target
  if (request.buildArgs && Object.keys(request.buildArgs).length > 0) options.buildargs = request.buildArgs
  if (request.labels) options.labels = request.labels
  return new Promise((resolve, reject) => {
    ;(docker.modem as { dial: (opts: object, cb: (err: unknown, res: IncomingMessage) => void) => void }).dial(
      {
        path: '/build?',
        method: 'POST',
        options,
        file: request.context,
        headers: { 'Content-Type': 'application/x-tar' },
        abortSignal: request.signal,
        isStream: true,
        statusCodes: EVERY_STATUS,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    )
  })
}

function abortReason(signal: AbortSignal): AppError {
  const reason: unknown = signal.reason
  if (isAppError(reason)) return reason
  return new AppError('build_failed', 'The build was canceled')
}
