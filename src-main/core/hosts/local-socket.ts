/** Where the local engine listens: `DOCKER_HOST` when it names a unix socket, else Docker's default. */
export function defaultLocalSocket(env: NodeJS.ProcessEnv = process.env): string {
  const dockerHost = env.DOCKER_HOST
  if (dockerHost?.startsWith('unix://')) return dockerHost.slice('unix://'.length)
  return '/var/run/docker.sock'
}
