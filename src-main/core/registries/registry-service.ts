import type { z } from 'zod'
import type { CreateRegistryInput, RegistrySummary } from '../../../src-preload/contract/registries'
import type { RegistryAuth } from '../../infra/docker'
import type { SecretBox } from '../../infra/secrets/secret-box'
import type { EventBus } from '../events/event-bus'
import { AppError } from '../shared/app-error'
import { newId } from '../shared/ids'
import type { RegistryRecord, RegistryStore } from './registry-store'

type ParsedCreate = z.output<typeof CreateRegistryInput>

/** The SecretBox context: a sealed password copied onto another row fails to open. */
export const passwordContext = (id: string): string => `registries:${id}:password`

const summary = ({ sealedPassword: _sealed, ...rest }: RegistryRecord): RegistrySummary => rest

/** What the engine is told as `serveraddress`: Docker Hub under the key the docker CLI uses for it. */
const serverAddress = (server: string): string => (server === 'docker.io' ? 'https://index.docker.io/v1/' : server)

/** Logins for image registries. Passwords are sealed on the way in and unsealed only for a pull. */
export class RegistryService {
  constructor(
    private readonly store: RegistryStore,
    private readonly secrets: SecretBox,
    private readonly events: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): RegistrySummary[] {
    return this.store.list().map(summary)
  }

  async create(input: ParsedCreate): Promise<RegistrySummary> {
    this.assertFree(input.server)
    const id = newId()
    const record: RegistryRecord = {
      id,
      server: input.server,
      username: input.username,
      sealedPassword: await this.secrets.seal(input.password, passwordContext(id)),
      createdAt: this.now().toISOString(),
    }
    // Sealing awaited: another request may have stored a login for this server meanwhile.
    if (!this.store.insert(record)) throw taken(input.server)
    this.events.emit('registries.changed', {})
    return summary(record)
  }

  remove(id: string): void {
    if (!this.store.delete(id)) throw new AppError('not_found', `No registry login with id ${id}`)
    this.events.emit('registries.changed', {})
  }

  /** The stored login for a normalized server, unsealed for one request to the engine; undefined when none. */
  async authFor(server: string): Promise<RegistryAuth | undefined> {
    const record = this.store.byServer(server)
    if (!record) return undefined
    return {
      username: record.username,
      password: await this.secrets.open(record.sealedPassword, passwordContext(record.id)),
      serveraddress: serverAddress(record.server),
    }
  }

  private assertFree(server: string): void {
    if (this.store.byServer(server)) throw taken(server)
  }
}

const taken = (server: string): AppError =>
  new AppError(
    'conflict',
    `A login for registry ${server} is already stored; remove it first to store another`,
    'server',
  )
