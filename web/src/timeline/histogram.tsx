import type { StatsBucket } from '../api.js';
import { formatMonth, formatMonthShort, monthRange, monthsBetween } from '../format.js';
import { useI18n } from '../i18n.js';

/** Beyond this many months the bars are years. */
const MAX_MONTH_BARS = 72;
/** Fewer months are widened to this many around them, so one month is a bar and not a block. */
const MIN_MONTH_BARS = 12;

function padMonths(months: string[], minimum: number): string[] {
  if (months.length >= minimum) return months;
  const shift = (month: string, by: number) => {
    const [year, number] = month.split('-').map(Number) as [number, number];
    const index = year * 12 + (number - 1) + by;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  };
  const before = Math.floor((minimum - months.length) / 2);
  const after = minimum - months.length - before;
  return monthsBetween(shift(months[0]!, -before), shift(months[months.length - 1]!, after));
}

interface Bar {
  key: string;
  label: string;
  /** The month's short name under its bar, when bars are wide enough for it. */
  month?: string;
  /** The year, under its first bar. */
  year?: string;
  incidents: number;
  fatalities: number;
  from: string;
  to: string;
}

/**
 * Incidents per month (GET /timeline/stats?groupBy=month), empty months included so gaps show.
 * Time runs left to right in both languages, as on the map. A bar filters the timeline to its
 * month; choosing it again lifts that.
 */
export function Histogram(props: { buckets: StatsBucket[]; from?: string; to?: string; onPick: (range: { from?: string; to?: string }) => void }) {
  const i18n = useI18n();
  const known = props.buckets.filter((bucket) => /^\d{4}-\d{2}$/.test(bucket.key)).sort((a, b) => a.key.localeCompare(b.key));
  if (!known.length) return <div class="histogram-empty">{i18n.t('noIncidents')}</div>;

  const byKey = new Map(known.map((bucket) => [bucket.key, bucket]));
  const months = padMonths(monthsBetween(known[0]!.key, known[known.length - 1]!.key), MIN_MONTH_BARS);
  let bars: Bar[];
  if (months.length <= MAX_MONTH_BARS) {
    bars = months.map((month, index) => {
      const bucket = byKey.get(month);
      const isJanuary = month.endsWith('-01');
      const { from, to } = monthRange(month);
      return {
        key: month,
        label: formatMonth(i18n, `${month}-01`),
        month: months.length <= 14 || (months.length <= 36 && (Number(month.slice(5)) - 1) % 3 === 0) ? formatMonthShort(i18n, `${month}-01`) : undefined,
        year: index === 0 || isJanuary ? month.slice(0, 4) : undefined,
        incidents: bucket?.incidents ?? 0,
        fatalities: bucket?.fatalities ?? 0,
        from,
        to,
      };
    });
  } else {
    const years = new Map<string, Bar>();
    for (const month of months) {
      const year = month.slice(0, 4);
      const bar = years.get(year) ?? { key: year, label: year, month: year, incidents: 0, fatalities: 0, from: `${year}-01-01`, to: `${year}-12-31` };
      bar.incidents += byKey.get(month)?.incidents ?? 0;
      bar.fatalities += byKey.get(month)?.fatalities ?? 0;
      years.set(year, bar);
    }
    bars = [...years.values()];
  }
  const max = Math.max(1, ...bars.map((bar) => bar.incidents));
  const showCounts = bars.length <= 36;

  return (
    <div class="histogram" dir="ltr" data-testid="histogram" role="group" aria-label={i18n.t('histogramTitle')}>
      <div class="histogram-axis" aria-hidden="true" style={{ paddingBottom: `${18 * ([bars.some((bar) => bar.month), bars.some((bar) => bar.year)].filter(Boolean).length) + 2}px` }}>
        <span>{i18n.num(max)}</span>
        <span>0</span>
      </div>
      <div class="histogram-plot">
        <div class="histogram-bars">
          {bars.map((bar) => {
            const selected = props.from === bar.from && props.to === bar.to;
            const title = `${bar.label}: ${i18n.num(bar.incidents)}${bar.fatalities ? ` · ${i18n.plural('killed', bar.fatalities)}` : ''}`;
            return (
              <button
                type="button"
                key={bar.key}
                class={`histogram-bar${selected ? ' selected' : ''}${bar.incidents ? '' : ' is-empty'}`}
                data-month={bar.key}
                data-count={bar.incidents}
                title={title}
                aria-label={title}
                aria-pressed={selected}
                disabled={!bar.incidents && !selected}
                onClick={() => props.onPick(selected ? { from: undefined, to: undefined } : { from: bar.from, to: bar.to })}
              >
                {showCounts && bar.incidents > 0 && <span class="histogram-count">{i18n.num(bar.incidents)}</span>}
                <span class="histogram-fill" style={{ height: `${(bar.incidents / max) * 100}%` }} />
              </button>
            );
          })}
        </div>
        {bars.some((bar) => bar.month) && (
          <div class="histogram-ticks" aria-hidden="true">
            {bars.map((bar) => (
              <span key={bar.key} class="histogram-tick histogram-month">
                {bar.month && <span>{bar.month}</span>}
              </span>
            ))}
          </div>
        )}
        {bars.some((bar) => bar.year) && (
          <div class="histogram-ticks" aria-hidden="true">
            {bars.map((bar) => (
              <span key={bar.key} class="histogram-tick histogram-year">
                {bar.year && <span>{bar.year}</span>}
              </span>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
