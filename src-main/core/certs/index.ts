export { CertService, type CertServiceDeps } from './cert-service'
export { CertStore } from './cert-store'
export { CERT_ISSUE_JOB } from './cert-job'
