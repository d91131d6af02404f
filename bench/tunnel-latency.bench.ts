/**
 * (a) Listing containers: raw unix socket (baseline) vs glinrdock's persistent SSH tunnel vs the
 * docker CLI over ssh:// (a new SSH connection per command), all against the test bed's engine.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Dockerode from 'dockerode'
import { afterAll, it } from 'vitest'
import { testbedEnv } from '../e2e/fixtures/testbed-env'
import { createDockerClient } from '../src-main/infra/docker'
import { createLogger } from '../src-main/infra/logging/logger'
import { SshTunnel } from '../src-main/infra/ssh'
import { measure, percentile, printLatencyTable } from './lib/measure'

const env = testbedEnv()
const tunnel = new SshTunnel({
  target: {
    host: env.sshHost,
    port: env.sshPort,
    username: env.sshUser,
    auth: { kind: 'key', privateKey: readFileSync(env.clientKey, 'utf8') },
  },
  pinnedFingerprint: env.hostKeyFingerprint,
  remoteSocketPath: env.remoteSocketPath,
  logger: createLogger({ level: 'silent' }),
})
afterAll(() => tunnel.dispose())

/**
 * `docker -H ssh://` runs the `ssh` binary, which reads the passwd user's ~/.ssh, not $HOME: a wrapper
 * first on PATH hands it a config with the test bed's key and known_hosts, and nothing else.
 */
function sshWrapperDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bench-ssh-'))
  const config = join(dir, 'ssh_config')
  writeFileSync(
    config,
    [
      `Host ${env.sshHost}`,
      `  Port ${env.sshPort}`,
      `  User ${env.sshUser}`,
      `  IdentityFile ${env.clientKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(env.dir, 'ssh', 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${config} "$@"\n`, { mode: 0o755 })
  return dir
}

it('container list latency: tunnel vs raw socket vs docker -H ssh://', async () => {
  const raw = new Dockerode({ socketPath: env.dockerSocket })
  tunnel.start()
  const { docker: tunnelled } = await createDockerClient({ agent: tunnel.createAgent() })
  const { docker: perChannel } = await createDockerClient({ agent: tunnel.createAgent({ keepAlive: false }) })
  const wrapper = sshWrapperDir()
  const cli = () =>
    Promise.resolve(
      execFileSync('docker', ['-H', `ssh://${env.sshUser}@${env.sshHost}:${env.sshPort}`, 'ps', '-a', '-q'], {
        env: { ...process.env, PATH: `${wrapper}:${process.env.PATH}`, DOCKER_HOST: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    )

  // Let the engine settle after whatever ran before (the log-rate bench leaves dockerd busy for a while).
  await new Promise((resolve) => setTimeout(resolve, 5000))
  // 2,000 calls each, so p99 rests on 20 samples rather than 5.
  const calls = { iterations: 2000, warmup: 100 }
  const rows = [
    await measure('raw unix socket', () => raw.listContainers({ all: true }), calls),
    await measure('glinrdock SSH tunnel', () => tunnelled.listContainers({ all: true }), calls),
    // A channel per call exposes the ~44 ms stalls if sshd's side of the link still ran Nagle's algorithm.
    await measure('tunnel, new channel per call', () => perChannel.listContainers({ all: true }), calls),
    await measure('docker -H ssh:// (per command)', cli, { iterations: 15, warmup: 2 }),
  ]
  printLatencyTable('Listing all containers (ms per call)', rows, 'raw unix socket')
  const [rawRow, tunnelRow, , cliRow] = rows.map((r) => r.samples)
  console.log(
    `targets: tunnel median ≤ 1.5× raw → ${(percentile(tunnelRow!, 50) / percentile(rawRow!, 50)).toFixed(2)}×; ` +
      `tunnel p99 ≤ 5 ms → ${percentile(tunnelRow!, 99).toFixed(2)} ms; ` +
      `≥ 100× faster than docker -H ssh:// → ${(percentile(cliRow!, 50) / percentile(tunnelRow!, 50)).toFixed(0)}×`,
  )
}, 120_000)
