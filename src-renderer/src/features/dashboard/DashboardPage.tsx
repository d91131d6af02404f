import { useEffect } from 'react'
import { EmptyState, ErrorState, Loading } from '../../components/States'
import { useSystemStore } from '../system/system-store'

export function DashboardPage() {
  const { info, error, load } = useSystemStore()
  useEffect(() => {
    void load()
  }, [load])
  if (error) return <ErrorState error={error} onRetry={() => void load()} />
  if (!info) return <Loading label="Loading…" />
  return (
    <section className="card">
      <EmptyState title="No hosts yet">
        glinrdock {info.version} is running ({info.mode}). Docker hosts you connect will appear here with their state,
        containers and load.
      </EmptyState>
    </section>
  )
}
