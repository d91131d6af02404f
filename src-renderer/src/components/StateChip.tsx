import type { HostSummary } from '../../../src-preload/contract/hosts'
import { StatusChip, type Tone } from './StatusChip'
import { useNow } from './use-now'
import { useLinkUp } from '../features/connection/connection-store'

/** While glinrdock itself is out of reach, no state it reported can be trusted to still hold. */
function UnknownChip({ testId }: { testId?: string | undefined }) {
  return (
    <StatusChip
      tone="neutral"
      title="Not connected to glinrdock: the last known state may be out of date"
      testId={testId}
      state="unknown"
    >
      Unknown
    </StatusChip>
  )
}

/** A host's link state: colour and text, with the retry countdown while reconnecting. */
export function HostStateChip({ host, testId }: { host: HostSummary; testId?: string }) {
  const linkUp = useLinkUp()
  const retryAt = host.state === 'reconnecting' && host.nextRetryAt ? Date.parse(host.nextRetryAt) : null
  const now = useNow(retryAt !== null)
  let tone: Tone = 'neutral'
  let text: string
  switch (host.state) {
    case 'connected':
      tone = 'ok'
      text = 'Connected'
      break
    case 'connecting':
      text = 'Connecting…'
      break
    case 'reconnecting': {
      tone = 'warn'
      const seconds = retryAt === null ? null : Math.max(0, Math.ceil((retryAt - now) / 1000))
      text = seconds === null ? 'Reconnecting…' : seconds > 0 ? `Reconnecting · retry in ${seconds}s` : 'Reconnecting…'
      break
    }
    case 'failed':
      tone = 'bad'
      text = 'Failed'
      break
  }
  if (!linkUp) return <UnknownChip testId={testId} />
  return (
    <StatusChip tone={tone} title={host.failure?.message} testId={testId} state={host.state}>
      {text}
    </StatusChip>
  )
}

const CONTAINER_TONES: Record<string, Tone> = {
  running: 'ok',
  paused: 'warn',
  restarting: 'warn',
  removing: 'warn',
  dead: 'bad',
  created: 'neutral',
  exited: 'neutral',
}

/** A container's state (`running`, `exited` …); an exit with a non-zero code is shown as bad. */
export function ContainerStateChip({ state, status }: { state: string; status?: string }) {
  const linkUp = useLinkUp()
  const failedExit = state === 'exited' && status !== undefined && /\((?!0\))\d+\)/.test(status)
  if (!linkUp) return <UnknownChip />
  return (
    <StatusChip tone={failedExit ? 'bad' : (CONTAINER_TONES[state] ?? 'neutral')} title={status} state={state}>
      {state}
    </StatusChip>
  )
}
