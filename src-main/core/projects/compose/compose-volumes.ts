/** The top-level `volumes` and a service's mounts, named as compose names them on the engine. */
import type { VolumeMount } from '../../../../src-preload/contract/projects'
import { invalid, type ComposeReader } from './compose-reader'
import { splitVolumeSpec } from './compose-units'
import { isMap, own, type Json, type JsonMap } from './compose-yaml'

/** Compose reads a short-syntax source that starts like a path as a bind mount, anything else as a volume name. */
const PATH_SOURCE = /^[./~]/
const MOUNT_OPTIONS_LEFT_OUT = ['z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent']

/** What compose calls a volume the file does not name: prefixed with the project. */
const composeVolumeName = (project: string, key: string): string => `${project}_${key}`

/** The engine name of each declared volume, by its key in the file. */
export function readTopVolumes(r: ComposeReader, value: Json | undefined): Map<string, string> {
  const names = new Map<string, string>()
  if (value === undefined || value === null) return names
  for (const [key, decl] of Object.entries(r.map(value, 'volumes'))) {
    const path = `volumes.${key}`
    let given: string | undefined
    let external = false
    if (decl !== null) {
      for (const [option, setting] of Object.entries(r.map(decl, path))) {
        const at = `${path}.${option}`
        if (option === 'name') given = r.text(setting, at)
        else if (option === 'external') {
          if (isMap(setting) && own(setting, 'name') !== undefined) {
            external = true
            given = r.text(own(setting, 'name'), `${at}.name`)
          } else if (typeof setting === 'boolean') external = setting
          else throw invalid(at, 'must be true or false')
        } else if (option === 'driver' && setting === 'local') continue
        else r.warn(at, `${option} is not supported: glinrdock's volumes use the engine's local driver, as they are`)
      }
    }
    names.set(key, given ?? (external ? key : composeVolumeName(r.project, key)))
  }
  return names
}

export function readVolumes(r: ComposeReader, value: Json, path: string, volumes: VolumeMount[]): void {
  r.list(value, path).forEach((item, i) => {
    const at = `${path}.${i}`
    const mount = isMap(item) ? longVolume(r, item, at) : shortVolume(r, r.text(item, at), at)
    if (mount) volumes.push(mount)
  })
}

function shortVolume(r: ComposeReader, text: string, path: string): VolumeMount | null {
  const { source, target, mode } = splitVolumeSpec(text)
  let readOnly = false
  for (const option of mode?.split(',') ?? []) {
    if (option === 'ro' || option === 'rw') readOnly = option === 'ro'
    else if (MOUNT_OPTIONS_LEFT_OUT.includes(option))
      r.warn(path, `The mount option ${option} is not supported and is left out`)
    else throw invalid(path, `${option} is not a mount option (ro, rw)`)
  }
  if (source === undefined) return { type: 'volume', target, readOnly }
  if (source === '') throw invalid(path, `${JSON.stringify(text)} has an empty source`)
  return PATH_SOURCE.test(source) ? bind(r, source, target, readOnly, path) : named(r, source, target, readOnly, path)
}

function longVolume(r: ComposeReader, item: JsonMap, path: string): VolumeMount | null {
  let type: string | undefined
  let source: string | undefined
  let target: string | undefined
  let readOnly = false
  for (const [key, value] of Object.entries(item)) {
    const at = `${path}.${key}`
    if (key === 'type') type = r.text(value, at)
    else if (key === 'source') source = r.text(value, at)
    else if (key === 'target') target = r.text(value, at)
    else if (key === 'read_only') {
      if (typeof value !== 'boolean') throw invalid(at, 'must be true or false')
      readOnly = value
    } else r.warn(at, `The mount option ${key} is not supported and is left out`)
  }
  if (type === undefined) throw invalid(path, 'needs a type (volume or bind)')
  if (target === undefined) throw invalid(path, 'needs a target')
  if (type === 'volume') {
    if (source === undefined) return { type: 'volume', target, readOnly }
    if (PATH_SOURCE.test(source)) throw invalid(`${path}.source`, 'a volume source is a volume name, not a path')
    return named(r, source, target, readOnly, path)
  }
  if (type === 'bind') {
    if (source === undefined) throw invalid(path, 'a bind mount needs a source')
    return bind(r, source, target, readOnly, path)
  }
  r.warn(path, `${type} mounts are not supported; left out`)
  return null
}

function named(r: ComposeReader, source: string, target: string, readOnly: boolean, path: string): VolumeMount {
  let name = r.volumeNames.get(source)
  if (name === undefined) {
    name = composeVolumeName(r.project, source)
    r.warn(path, `${source} is not declared under the top-level volumes; it is named ${name}, as compose would`)
  }
  return { type: 'volume', source: name, target, readOnly }
}

function bind(r: ComposeReader, source: string, target: string, readOnly: boolean, path: string): VolumeMount | null {
  if (!source.startsWith('/')) {
    r.warn(
      path,
      `${source} is relative to the compose file's folder, which glinrdock does not have: use an absolute host path; left out`,
    )
    return null
  }
  if (!r.options.confirmBinds) {
    r.warn(path, `The bind mount of ${source} exposes host files: confirm bind mounts to import it; left out`)
    return null
  }
  return { type: 'bind', source, target, readOnly, confirmBind: true }
}
