export { exportCompose } from './compose-export'
export { importCompose, type ComposeImport, type ComposeImportOptions } from './compose-import'
