import { lazy, Suspense } from 'react'

// The form and its schemas load when it is first opened, not with the page that offers it.
const AddHostDialog = lazy(() => import('./AddHostDialog').then((m) => ({ default: m.AddHostDialog })))

export function AddHostDialogLoader({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  if (!open) return null
  return (
    <Suspense fallback={null}>
      <AddHostDialog open onOpenChange={onOpenChange} />
    </Suspense>
  )
}
