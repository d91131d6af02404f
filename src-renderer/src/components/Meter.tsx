/** A labelled bar for a share of a whole (CPU, memory); the text carries the numbers, the bar only helps. */
export function Meter({ label, fraction, text }: { label: string; fraction: number | null; text: string }) {
  const percent = fraction === null ? 0 : Math.round(Math.min(1, Math.max(0, fraction)) * 100)
  const tone = percent >= 90 ? 'bad' : percent >= 70 ? 'warn' : 'ok'
  return (
    <div className="meter">
      <div className="meter-head">
        <span className="muted">{label}</span>
        <span>{text}</span>
      </div>
      <div
        className="meter-track"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={text}
      >
        <div className={`meter-fill meter-${tone}`} style={{ width: `${percent}%` }} />
      </div>
    </div>
  )
}
