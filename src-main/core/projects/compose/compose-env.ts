/** A service's `environment` and `env_file`, read from the values in the file and the env files the user pasted. */
import { invalid, type ComposeReader } from './compose-reader'
import { isSecretKey, parseDotEnv, variableReference } from './compose-units'
import { isMap, own, type Json } from './compose-yaml'

export type EnvDraft = { key: string; value?: string; secret: boolean }
/** Variables by key in the order compose gives them: a later setting of a key moves it last. */
export type EnvDrafts = Map<string, EnvDraft>

function setLast(env: EnvDrafts, variable: EnvDraft): void {
  env.delete(variable.key)
  env.set(variable.key, variable)
}

const withValue = (key: string, value: string): EnvDraft => ({ key, value, secret: isSecretKey(key) })

function envVariable(r: ComposeReader, key: string, raw: string, path: string): EnvDraft {
  // What export writes for a secret: the variable of the same name, whose value the file never holds.
  if (raw === variableReference(key) || raw === `$${key}`) {
    r.warn(path, `${key} refers to a variable of its own name: its value is not in the file; set it in glinrdock`)
    return { key, secret: true }
  }
  return withValue(key, r.text(raw, path))
}

function hostEnvWarning(r: ComposeReader, path: string, key: string): void {
  r.warn(
    path,
    `${key} has no value: compose takes it from the shell's environment, which glinrdock does not have; left out`,
  )
}

export function readEnvironment(r: ComposeReader, value: Json, path: string, env: EnvDrafts): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const at = `${path}.${i}`
      if (typeof item !== 'string') throw invalid(at, 'must be KEY=value')
      const eq = item.indexOf('=')
      if (eq === -1) hostEnvWarning(r, at, item)
      else setLast(env, envVariable(r, item.slice(0, eq), item.slice(eq + 1), at))
    })
    return
  }
  for (const [key, raw] of Object.entries(r.map(value, path))) {
    const at = `${path}.${key}`
    if (raw === null) hostEnvWarning(r, at, key)
    else if (typeof raw === 'string') setLast(env, envVariable(r, key, raw, at))
    else setLast(env, withValue(key, r.text(raw, at)))
  }
}

export function readEnvFiles(r: ComposeReader, value: Json, path: string, env: EnvDrafts): void {
  const files = Array.isArray(value) ? value : [value]
  files.forEach((file, i) => {
    const at = Array.isArray(value) ? `${path}.${i}` : path
    const entry = isMap(file) ? file : { path: file }
    const name = r.text(own(entry, 'path'), isMap(file) ? `${at}.path` : at)
    const required = own(entry, 'required') !== false
    const content = findEnvFile(r.options.envFiles, name)
    if (content === undefined) {
      r.warn(
        path,
        `${name} was not pasted${required ? '' : ' (it is optional)'}: paste its contents to import its variables`,
      )
      return
    }
    const parsed = parseDotEnv(content)
    for (const problem of parsed.problems) r.warn(path, `${name} line ${problem.line}: ${problem.message}`)
    for (const { key, value } of parsed.entries) setLast(env, withValue(key, value))
  })
}

const relative = (path: string): string => path.replace(/^(\.\/)+/, '')

/** The pasted file a compose path names: `./.env` and `.env` are the same file. */
function findEnvFile(files: Record<string, string>, path: string): string | undefined {
  if (Object.hasOwn(files, path)) return files[path]
  const wanted = relative(path)
  const match = Object.keys(files).find((name) => relative(name) === wanted)
  return match === undefined ? undefined : files[match]
}
