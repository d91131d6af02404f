import type { Permission } from '../../../../src-preload/contract/schemas'
import { useCan } from './connection-store'

type ButtonProps = React.ButtonHTMLAttributes<HTMLButtonElement> & { permission: Permission }

/**
 * A button for an action the caller's role may not allow: disabled, with the reason as its tooltip,
 * so a viewer still sees what exists. The server enforces the same rule regardless.
 */
export function PermittedButton({ permission, disabled, title, type = 'button', ...props }: ButtonProps) {
  const can = useCan(permission)
  return <button type={type} {...props} disabled={disabled || !can.allowed} title={can.reason ?? title} />
}
