import type { JobRunner } from '../jobs'
import type { ImagePullService } from './image-pull-service'

export const IMAGE_PULL_JOB = 'image.pull'

interface PullPayload {
  reference: string
}

/**
 * A pull as a job: the runner's signal aborts the engine's download, its progress is the layers' bytes,
 * and its log says what happened. Pulling the same image on the same host twice at once would only race,
 * so one reference per host runs at a time.
 */
export function registerImagePullJob(jobs: JobRunner, pulls: ImagePullService): void {
  jobs.register<PullPayload>(IMAGE_PULL_JOB, async (job, ctx) => {
    const { reference } = ctx.payload
    ctx.log(`Pulling ${reference}`)
    const outcome = await pulls.pullImage(job.hostId!, reference, {
      signal: ctx.signal,
      onProgress: ({ percent, message }) => ctx.progress(percent, message),
    })
    ctx.log(outcome.upToDate ? `${outcome.image} is up to date` : `Pulled ${outcome.image}`)
    if (outcome.digest) ctx.log(`Digest: ${outcome.digest}`)
  })
}

export function enqueueImagePull(jobs: JobRunner, hostId: string, reference: string): { jobId: string } {
  const job = jobs.enqueue({
    kind: IMAGE_PULL_JOB,
    hostId,
    lockKey: `image:${hostId}:${reference}`,
    payload: { reference } satisfies PullPayload,
  })
  return { jobId: job.id }
}
