import type { SystemInfo } from '../../../src-preload/contract/schemas'

export class SystemService {
  private readonly startedAt = Date.now()

  constructor(
    private readonly version: string,
    private readonly dataDir: string,
    private readonly mode: SystemInfo['mode'],
    private readonly hostsOverview: () => SystemInfo['hosts'],
  ) {}

  info(): SystemInfo {
    return {
      version: this.version,
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      dataDir: this.dataDir,
      mode: this.mode,
      hosts: this.hostsOverview(),
    }
  }
}
