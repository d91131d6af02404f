import { useEffect, useState } from 'react'
import type { ImportCandidates } from '../../../../src-preload/contract/hosts'
import type { Candidate } from './add-host-form'
import { useHostsStore } from './hosts-store'

/** Offers `~/.ssh/config` entries and Docker contexts as starting points; hidden when there are none. */
export function ImportPicker({ onPick }: { onPick(candidate: Candidate): void }) {
  const importCandidates = useHostsStore((s) => s.importCandidates)
  const [candidates, setCandidates] = useState<ImportCandidates | null>(null)
  useEffect(() => {
    let live = true
    // Optional help: a viewer token (forbidden) or an unreadable file just means no suggestions.
    importCandidates()
      .then((found) => live && setCandidates(found))
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [importCandidates])
  if (!candidates || (candidates.ssh.length === 0 && candidates.dockerContexts.length === 0)) return null
  return (
    <label className="field">
      <span>Import settings from</span>
      <select
        value=""
        onChange={(event) => {
          const [source, index] = event.target.value.split(':')
          const i = Number(index)
          if (source === 'ssh' && candidates.ssh[i]) onPick({ source: 'ssh', entry: candidates.ssh[i] })
          if (source === 'docker' && candidates.dockerContexts[i]) {
            onPick({ source: 'docker', entry: candidates.dockerContexts[i] })
          }
        }}
      >
        <option value="">Choose an entry to pre-fill the form…</option>
        {candidates.ssh.length > 0 && (
          <optgroup label="~/.ssh/config">
            {candidates.ssh.map((entry, i) => (
              <option key={`ssh-${entry.alias}`} value={`ssh:${i}`}>
                {entry.alias} — {entry.username ? `${entry.username}@` : ''}
                {entry.host}:{entry.port}
              </option>
            ))}
          </optgroup>
        )}
        {candidates.dockerContexts.length > 0 && (
          <optgroup label="Docker contexts">
            {candidates.dockerContexts.map((context, i) => (
              <option key={`docker-${context.name}`} value={`docker:${i}`} disabled={context.kind === 'other'}>
                {context.name} — {context.endpoint}
                {context.kind === 'other' ? ' (not supported)' : ''}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </label>
  )
}
