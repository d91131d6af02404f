import { UpdateSettingsInput } from '../../../../src-preload/contract/cicd'

/** The contract's own rule for one field, as the message to show under it (or undefined when it passes). */
export function settingsFieldError(input: UpdateSettingsInput): string | undefined {
  const parsed = UpdateSettingsInput.safeParse(input)
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'Not accepted')
}
