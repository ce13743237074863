import { useMemo } from 'preact/hooks';
import { ErrorNotice, Facts, Loading, Page } from '../components/ui';
import { graphql } from '../gql';
import type { DaysQuery, Units } from '../gql/graphql';
import { addDays, fixed, instant, longDay, todayIn, weight } from '../lib/format';
import { useQuery } from '../lib/hooks';
import { navigate, useLocation } from '../lib/router';
import { useMe, useScope } from '../lib/session';

const DaysDoc = graphql(`
  query Days($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {
    dailyMetrics(athleteId: $athleteId, from: $from, to: $to, first: 100) {
      nodes {
        id
        date
        source
        restingHeartRate
        hrvMs
        hrvKind
        weightKg
        sleepDurationMinutes
        sleepQuality
        readiness
        soreness
        stress
        mood
        notes
        sleep {
          inBedMinutes
          deepMinutes
          lightMinutes
          remMinutes
          awakeMinutes
          score
          isFinal
          start
          end
        }
        stressScore
        bodyBatteryHigh
        bodyBatteryLow
        steps
        activeKcal
        vo2Max
        respiratoryRate
        bodyFatPercent
      }
    }
    dayLogs(athleteId: $athleteId, from: $from, to: $to) {
      date
      workStress
      travel
      illness
      caffeineMg
      alcoholUnits
      nutritionNotes
    }
  }
`);

/** How many days a page shows. */
const SPAN = 14;

type Day = DaysQuery['dailyMetrics']['nodes'][number];
type DayLog = DaysQuery['dayLogs'][number];
type Sleep = NonNullable<Day['sleep']>;

function hm(min: number | null | undefined): string {
  if (min === null || min === undefined) return '—';
  const h = Math.floor(min / 60);
  return h > 0 ? `${h} h ${String(min % 60).padStart(2, '0')} min` : `${min} min`;
}

const STAGES: [keyof Sleep, string, string][] = [
  ['deepMinutes', 'Deep', 's-deep'],
  ['lightMinutes', 'Light', 's-light'],
  ['remMinutes', 'REM', 's-rem'],
  ['awakeMinutes', 'Awake', 's-awake'],
];

/** The night's stages as a bar (proportional widths) and, for everyone, as text. */
function SleepStages(props: { sleep: Sleep }) {
  const s = props.sleep;
  const stages = STAGES.map(([key, label, css]) => ({ label, css, minutes: s[key] as number | null | undefined })).filter((x) => x.minutes != null);
  const total = stages.reduce((sum, x) => sum + (x.minutes ?? 0), 0);
  return (
    <div class="sleep">
      {total > 0 && (
        <div class="stages" aria-hidden="true">
          {stages.map((x) => (
            <span key={x.css} class={`stage ${x.css}`} style={{ width: `${((x.minutes ?? 0) / total) * 100}%` }} />
          ))}
        </div>
      )}
      <ul class="stage-list">
        {stages.map((x) => (
          <li key={x.css}>
            <span class={`swatch ${x.css}`} aria-hidden="true" /> {x.label} {hm(x.minutes)}
          </li>
        ))}
      </ul>
      <p class="small muted">
        {s.inBedMinutes != null && <>In bed {hm(s.inBedMinutes)}. </>}
        {s.start && s.end && (
          <>
            {instant(s.start)} to {instant(s.end)}.{' '}
          </>
        )}
        {!s.isFinal && <>Tentative: the device may still revise this night.</>}
      </p>
    </div>
  );
}

function facts(d: Day, units: Units): [string, string][] {
  const out: [string, string | null][] = [
    ['Resting HR', d.restingHeartRate != null ? `${d.restingHeartRate} bpm` : null],
    ['HRV', d.hrvMs != null ? `${fixed(d.hrvMs, 0)} ms${d.hrvKind ? ` (${d.hrvKind})` : ''}` : null],
    ['Sleep', d.sleepDurationMinutes != null ? hm(d.sleepDurationMinutes) : null],
    ['Sleep quality', d.sleepQuality != null ? `${d.sleepQuality}/5` : null],
    ['Sleep score', d.sleep?.score != null ? `${d.sleep.score}/100` : null],
    ['Weight', d.weightKg != null ? weight(d.weightKg, units) : null],
    ['Body fat', d.bodyFatPercent != null ? `${fixed(d.bodyFatPercent, 1)}%` : null],
    ['Stress score', d.stressScore != null ? `${d.stressScore}/100` : null],
    [
      'Body Battery',
      d.bodyBatteryHigh != null || d.bodyBatteryLow != null ? `${d.bodyBatteryLow ?? '—'} to ${d.bodyBatteryHigh ?? '—'}` : null,
    ],
    ['Steps', d.steps != null ? d.steps.toLocaleString('en') : null],
    ['Active energy', d.activeKcal != null ? `${fixed(d.activeKcal, 0)} kcal` : null],
    ['VO2max', d.vo2Max != null ? `${fixed(d.vo2Max, 1)} ml/kg/min` : null],
    ['Respiratory rate', d.respiratoryRate != null ? `${fixed(d.respiratoryRate, 1)} /min` : null],
    ['Readiness (self)', d.readiness != null ? `${d.readiness}/10` : null],
    ['Soreness', d.soreness != null ? `${d.soreness}/10` : null],
    ['Stress (self)', d.stress != null ? `${d.stress}/10` : null],
    ['Mood', d.mood != null ? `${d.mood}/5` : null],
  ];
  return out.filter((x): x is [string, string] => x[1] !== null);
}

function logFacts(l: DayLog): [string, string][] {
  const out: [string, string | null][] = [
    ['Work and life stress', l.workStress != null ? `${l.workStress}/10` : null],
    ['Travelled', l.travel != null ? (l.travel ? 'yes' : 'no') : null],
    ['Ill', l.illness != null ? (l.illness ? 'yes' : 'no') : null],
    ['Caffeine', l.caffeineMg != null ? `${fixed(l.caffeineMg, 0)} mg` : null],
    ['Alcohol', l.alcoholUnits != null ? `${fixed(l.alcoholUnits, 1)} units` : null],
  ];
  return out.filter((x): x is [string, string] => x[1] !== null);
}

/** What the athlete chose to log about the day (optional), inside that day's card. */
function LifeLog(props: { log: DayLog }) {
  const scope = useScope();
  const items = logFacts(props.log);
  return (
    <div class="life-log">
      <h3 class="small">
        Life and nutrition <span class="muted">(optional log)</span>
      </h3>
      {items.length > 0 && <Facts class="plain" items={items} />}
      {props.log.nutritionNotes && <p>{props.log.nutritionNotes}</p>}
      {scope.canWrite && (
        <p class="small">
          <a href={`${scope.base}/log?day=${props.log.date}#life`}>Change the log of this day</a>
        </p>
      )}
    </div>
  );
}

export default function DaysPage() {
  const scope = useScope();
  const me = useMe();
  const where = useLocation();
  const today = useMemo(() => todayIn(scope.timeZone), [scope.timeZone]);
  const asked = where.query.get('to');
  const to = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : today;
  const from = addDays(to, -(SPAN - 1));
  const q = useQuery(DaysDoc, { athleteId: scope.athleteId, from, to });
  const days = q.data?.dailyMetrics.nodes ?? [];
  const logs = useMemo(() => new Map((q.data?.dayLogs ?? []).map((l) => [l.date, l])), [q.data]);
  // A day with only an optional log still gets a card.
  const logOnly = (q.data?.dayLogs ?? []).filter((l) => !days.some((d) => d.date === l.date));
  const cards = [...days.map((d) => ({ date: d.date, day: d as Day | null })), ...logOnly.map((l) => ({ date: l.date, day: null }))].sort((a, b) =>
    a.date < b.date ? 1 : a.date > b.date ? -1 : 0,
  );
  const go = (day: string) => navigate(`${scope.base}/days${day === today ? '' : `?to=${day}`}`);
  return (
    <Page
      title={scope.self ? 'Days' : `${scope.name}: days`}
      lead="Each morning's numbers: what you logged and what your devices measured, with the night's sleep stages when a device recorded them."
    >
      <form
        class="row range"
        onSubmit={(e) => {
          e.preventDefault();
          const value = String(new FormData(e.currentTarget).get('to') ?? '');
          if (/^\d{4}-\d{2}-\d{2}$/.test(value)) go(value);
        }}
      >
        <div class="field">
          <label for="days-to">Fourteen days up to</label>
          <input id="days-to" name="to" type="date" defaultValue={to} key={to} max={today} />
        </div>
        <button type="submit" class="secondary">
          Show
        </button>
        <button type="button" class="secondary" onClick={() => go(addDays(to, -SPAN))}>
          Earlier
        </button>
        {to < today && (
          <button type="button" class="secondary" onClick={() => go(addDays(to, SPAN) > today ? today : addDays(to, SPAN))}>
            Later
          </button>
        )}
      </form>
      <p class="muted small">
        {longDay(from)} to {longDay(to)}
      </p>
      <ErrorNotice error={q.error} retry={q.reload} />
      {!q.data && !q.error && <Loading what="days" />}
      {q.data && cards.length === 0 && <p class="panel">Nothing was logged or measured in these days.</p>}
      {cards.length > 0 && (
        <ul class="cards day-cards">
          {cards.map(({ date, day: d }, i) => {
            // The optional log goes with the first card of its day.
            const log = i === cards.findIndex((c) => c.date === date) ? logs.get(date) : undefined;
            const id = `day-${date}${d ? `-${d.id}` : ''}`;
            return (
              <li key={d?.id ?? `log-${date}`} aria-labelledby={id}>
                <h2 class="h3" id={id}>
                  {longDay(date)}{' '}
                  <span class="small muted">· {d ? (d.source === 'manual' ? 'logged by hand' : d.source) : 'optional log only'}</span>
                </h2>
                {d && <Facts class="plain" items={facts(d, me.units)} />}
                {d?.sleep && <SleepStages sleep={d.sleep} />}
                {d?.notes && <p>{d.notes}</p>}
                {log && <LifeLog log={log} />}
              </li>
            );
          })}
        </ul>
      )}
    </Page>
  );
}
