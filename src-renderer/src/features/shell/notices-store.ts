import { create } from 'zustand'
import type { Tone } from '../../components/StatusChip'

export interface Notice {
  id: number
  tone: Tone
  text: string
  /** For failures: the error code (turned into a sentence and a next step) and the raw message behind it. */
  code?: string
  detail?: string
  /** Buttons after the text ("Open log", "Roll back"); choosing one also dismisses the notice. */
  actions?: NoticeAction[]
  /** A heading before the text (a notification's title). */
  title?: string
}

export interface NoticeAction {
  label: string
  run(): void
}

interface NoticesStore {
  notices: Notice[]
  notify(notice: Omit<Notice, 'id'>): void
  dismiss(id: number): void
}

let nextId = 1
const MAX = 5

/** Short-lived messages for actions whose outcome has no other place to show (a failed stop, a bulk start). */
export const useNoticesStore = create<NoticesStore>((set, get) => ({
  notices: [],
  notify(notice) {
    const id = nextId++
    set({ notices: [...get().notices, { ...notice, id }].slice(-MAX) })
    // Errors stay longer: they carry a code the user may want to read or copy; a notice with actions stays
    // long enough to reach its buttons with the keyboard.
    const long = notice.tone === 'bad' || (notice.actions?.length ?? 0) > 0
    setTimeout(() => get().dismiss(id), long ? 12_000 : 5_000)
  },
  dismiss(id) {
    set({ notices: get().notices.filter((notice) => notice.id !== id) })
  },
}))
