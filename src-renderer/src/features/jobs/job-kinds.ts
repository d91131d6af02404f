/**
 * Readable names for the job kinds the runner registers (`src-main/core/**`: `*_JOB` constants). A kind not
 * listed here (a newer backend) is shown as it is, so nothing disappears.
 */
const JOB_KIND_TEXT: Record<string, string> = {
  'image.pull': 'Pull image',
  'service.deploy': 'Start service',
  'project.deploy': 'Start project',
  'service.build': 'Build image',
  // Deployments and rollbacks (core/deploys).
  'service.release': 'Deploy',
  // ACME orders and renewals (core/certs).
  'cert.issue': 'Issue certificate',
}

export const jobKindText = (kind: string): string => JOB_KIND_TEXT[kind] ?? kind
