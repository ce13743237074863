import { useMemo, useState } from 'preact/hooks';
import { Checkbox, ErrorNotice, Input, Notice, Page, Select, TextArea, formValues, int, num } from '../components/ui';
import { graphql } from '../gql';
import type { HrvKind, Sport } from '../gql/graphql';
import { request } from '../lib/api';
import { distanceUnit, todayIn, toKg, toMeters, weightUnit, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { useLocation } from '../lib/router';
import { useMe, useScope } from '../lib/session';
import { SPORTS } from './activities';

const LogActivity = graphql(`
  mutation LogActivity($athleteId: ID, $input: ActivityInput!) {
    logActivity(athleteId: $athleteId, input: $input) {
      id
      name
      rpeLoad
    }
  }
`);

const LogMorning = graphql(`
  mutation LogMorning($athleteId: ID, $input: DailyMetricsInput!) {
    logDailyMetrics(athleteId: $athleteId, input: $input) {
      id
      date
    }
  }
`);

const DayLogDoc = graphql(`
  query DayLog($athleteId: ID, $date: NaiveDate!) {
    dayLogs(athleteId: $athleteId, from: $date, to: $date) {
      date
      workStress
      travel
      illness
      caffeineMg
      alcoholUnits
      nutritionNotes
      updatedAt
    }
  }
`);

const LogDay = graphql(`
  mutation LogDay($athleteId: ID, $date: NaiveDate!, $input: DayLogInput!) {
    logDay(athleteId: $athleteId, date: $date, input: $input) {
      date
      workStress
      travel
      illness
      caffeineMg
      alcoholUnits
      nutritionNotes
      updatedAt
    }
  }
`);

const RATINGS_10 = [['', '—'], ...Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)] as const)] as const;

/** "45", "45:30" or "1:05:00" → seconds. */
function parseDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const parts = text.split(':').map((p) => Number(p));
  if (parts.some((p) => !Number.isFinite(p) || p < 0)) return NaN;
  if (parts.length === 1) return Math.round(parts[0]! * 60);
  if (parts.length === 2) return parts[0]! * 60 + parts[1]!;
  if (parts.length === 3) return parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
  return NaN;
}

export default function Log() {
  const scope = useScope();
  const title = scope.self ? 'Log' : `${scope.name}: log`;
  if (!scope.canWrite) {
    return (
      <Page title={title}>
        <p>You can read this athlete’s data but not log for them.</p>
      </Page>
    );
  }
  return (
    <Page title={title} lead="Log a training session or this morning’s numbers by hand. Devices fill these in when connected.">
      <div class="grid two">
        <SessionForm />
        <MorningForm />
      </div>
      <LifeForm />
    </Page>
  );
}

function SessionForm() {
  const scope = useScope();
  const me = useMe();
  const [logged, setLogged] = useState<{ id: string; name: string; rpeLoad: number | null } | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const now = useMemo(() => {
    const d = new Date();
    d.setSeconds(0, 0);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }, []);
  const save = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form);
    const local: Record<string, string> = {};
    const seconds = parseDuration(v.duration);
    if (!v.startTime) local.startTime = 'Give the start time.';
    if (seconds === undefined) local.durationSeconds = 'Give the duration.';
    else if (!(seconds > 0)) local.durationSeconds = 'Write minutes, or h:mm:ss.';
    setProblems(local);
    if (Object.keys(local).length) return;
    const km = num(v.distance);
    const answer = await request(LogActivity, {
      athleteId: scope.athleteId,
      input: {
        sport: (v.sport ?? 'RUN') as Sport,
        name: v.name,
        startTime: new Date(v.startTime!).toISOString(),
        durationSeconds: seconds!,
        distanceMeters: km === undefined ? undefined : Math.round(toMeters(km, me.units)),
        elevationGainMeters: num(v.elevation) === undefined ? undefined : me.units === 'IMPERIAL' ? num(v.elevation)! / 3.28084 : num(v.elevation),
        averageHeartRate: num(v.averageHeartRate),
        maxHeartRate: num(v.maxHeartRate),
        rpe: int(v.rpe),
        feeling: int(v.feeling),
        notes: v.notes,
        private: (form.elements.namedItem('private') as HTMLInputElement | null)?.checked ?? false,
      },
    });
    setLogged(answer.logActivity);
    form.reset();
  });
  const errors = { ...problems, ...(save.error?.byField ?? {}) };
  return (
    <section class="panel" aria-labelledby="session-h">
      <h2 id="session-h">A session</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setLogged(null);
          void save.run(e.currentTarget);
        }}
      >
        <div class="row">
          <Select label="Sport" name="sport" defaultValue="RUN" options={SPORTS.map((s) => [s, words(s)] as const)} error={errors.sport} />
          <Input label="Title" name="name" hint="Optional" error={errors.name} />
        </div>
        <div class="row">
          <Input label="Started" name="startTime" type="datetime-local" defaultValue={now} required error={errors.startTime} />
          <Input label="Duration" name="duration" hint="Minutes, or h:mm:ss" inputMode="numeric" required error={errors.durationSeconds ?? errors.duration} />
        </div>
        <div class="row">
          <Input label={`Distance (${distanceUnit(me.units)})`} name="distance" type="number" min="0" step="0.01" inputMode="decimal" error={errors.distanceMeters} />
          <Input label={`Ascent (${me.units === 'IMPERIAL' ? 'ft' : 'm'})`} name="elevation" type="number" min="0" step="1" inputMode="numeric" error={errors.elevationGainMeters} />
        </div>
        <div class="row">
          <Input label="Average heart rate (bpm)" name="averageHeartRate" type="number" inputMode="numeric" error={errors.averageHeartRate} />
          <Input label="Max heart rate (bpm)" name="maxHeartRate" type="number" inputMode="numeric" error={errors.maxHeartRate} />
        </div>
        <div class="row">
          <Select label="Effort (RPE 1–10)" name="rpe" defaultValue="" options={RATINGS_10} hint="How hard the whole session was" error={errors.rpe} />
          <Select label="Feeling" name="feeling" defaultValue="" options={[['', '—'], ['1', '1 awful'], ['2', '2'], ['3', '3'], ['4', '4'], ['5', '5 great']]} error={errors.feeling} />
        </div>
        <TextArea label="Notes" name="notes" error={errors.notes} />
        {scope.self && <Checkbox name="private" label="Private: hide from coaches" />}
        <ErrorNotice error={save.error} />
        {logged && (
          <Notice kind="success" live>
            <p>
              Logged <a href={`${scope.base}/activities/${logged.id}`}>{logged.name}</a>
              {logged.rpeLoad !== null ? ` (load ${Math.round(logged.rpeLoad)})` : ''}.
            </p>
          </Notice>
        )}
        <button type="submit" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Log session'}
        </button>
      </form>
    </section>
  );
}

function MorningForm() {
  const scope = useScope();
  const me = useMe();
  const [logged, setLogged] = useState('');
  const save = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form);
    const hours = num(v.sleepHours) ?? 0;
    const mins = num(v.sleepMinutes) ?? 0;
    const sleep = v.sleepHours || v.sleepMinutes ? Math.round(hours * 60 + mins) : undefined;
    const answer = await request(LogMorning, {
      athleteId: scope.athleteId,
      input: {
        date: v.date ?? todayIn(scope.timeZone),
        restingHeartRate: int(v.restingHeartRate),
        hrvMs: num(v.hrvMs),
        hrvKind: v.hrvMs ? ((v.hrvKind ?? 'RMSSD') as HrvKind) : undefined,
        sleepDurationMinutes: sleep,
        sleepQuality: int(v.sleepQuality),
        readiness: int(v.readiness),
        soreness: int(v.soreness),
        stress: int(v.stress),
        mood: int(v.mood),
        weightKg: num(v.weight) === undefined ? undefined : Math.round(toKg(num(v.weight)!, me.units) * 10) / 10,
        notes: v.notes,
      },
    });
    setLogged(answer.logDailyMetrics.date);
  });
  const errors = save.error?.byField ?? {};
  return (
    <section class="panel" id="morning" aria-labelledby="morning-h">
      <h2 id="morning-h">A morning</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setLogged('');
          void save.run(e.currentTarget);
        }}
      >
        <Input label="Day" name="date" type="date" defaultValue={todayIn(scope.timeZone)} required error={errors.date} />
        <div class="row">
          <Input label="Resting heart rate (bpm)" name="restingHeartRate" type="number" inputMode="numeric" error={errors.restingHeartRate} />
          <Input label="HRV (ms)" name="hrvMs" type="number" step="0.1" inputMode="decimal" error={errors.hrvMs} />
          <Select label="HRV kind" name="hrvKind" defaultValue="RMSSD" options={[['RMSSD', 'rMSSD (most straps, Garmin, Oura)'], ['SDNN', 'SDNN (Apple)']]} error={errors.hrvKind} />
        </div>
        <fieldset class="inline">
          <legend>Sleep</legend>
          <Input label="Hours" name="sleepHours" type="number" min="0" max="24" inputMode="numeric" error={errors.sleepDurationMinutes} />
          <Input label="Minutes" name="sleepMinutes" type="number" min="0" max="59" inputMode="numeric" />
          <Select label="Quality (1–5)" name="sleepQuality" defaultValue="" options={[['', '—'], ['1', '1 poor'], ['2', '2'], ['3', '3'], ['4', '4'], ['5', '5 great']]} error={errors.sleepQuality} />
        </fieldset>
        <div class="row">
          <Select label="Readiness (1–10)" name="readiness" defaultValue="" options={RATINGS_10} error={errors.readiness} />
          <Select label="Soreness (1–10)" name="soreness" defaultValue="" options={RATINGS_10} error={errors.soreness} />
          <Select label="Stress (1–10)" name="stress" defaultValue="" options={RATINGS_10} error={errors.stress} />
          <Select label="Mood (1–5)" name="mood" defaultValue="" options={[['', '—'], ['1', '1'], ['2', '2'], ['3', '3'], ['4', '4'], ['5', '5']]} error={errors.mood} />
        </div>
        <Input label={`Weight (${weightUnit(me.units)})`} name="weight" type="number" step="0.1" inputMode="decimal" error={errors.weightKg} />
        <TextArea label="Notes" name="notes" error={errors.notes} />
        <ErrorNotice error={save.error} />
        {logged && (
          <Notice kind="success" live>
            <p>
              Saved the morning of {logged}. <a href={scope.base || '/'}>See today’s readiness</a>.
            </p>
          </Notice>
        )}
        <button type="submit" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save morning'}
        </button>
      </form>
    </section>
  );
}

/** Work stress, travel, illness, caffeine, alcohol and eating notes for a day: all optional. */
function LifeForm() {
  const scope = useScope();
  const where = useLocation();
  const today = todayIn(scope.timeZone);
  const asked = where.query.get('day');
  const [day, setDay] = useState(asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : today);
  const q = useQuery(DayLogDoc, { athleteId: scope.athleteId, date: day });
  const [saved, setSaved] = useState('');
  const current = q.data?.dayLogs.find((l) => l.date === day);
  const save = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form);
    const checked = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.checked ?? false;
    // The form shows what is stored, so an emptied field clears it.
    const answer = await request(LogDay, {
      athleteId: scope.athleteId,
      date: day,
      input: {
        workStress: int(v.workStress) ?? null,
        travel: checked('travel'),
        illness: checked('illness'),
        caffeineMg: num(v.caffeineMg) ?? null,
        alcoholUnits: num(v.alcoholUnits) ?? null,
        nutritionNotes: v.nutritionNotes ?? null,
      },
    });
    q.setData(() => ({ dayLogs: [answer.logDay] }));
    setSaved(answer.logDay.date);
  });
  const errors = save.error?.byField ?? {};
  return (
    <section class="panel" id="life" aria-labelledby="life-h">
      <h2 id="life-h">Optional: life and nutrition</h2>
      <p class="muted">
        Only if you want to. Stress, travel, illness, caffeine and alcohol can go with how you train and recover;{' '}
        <a href={`${scope.base}/insights`}>Insights</a> tests what you log here against your own sessions and mornings. Nothing here is ever required.
      </p>
      <div class="field">
        <label for="life-day">Day</label>
        <input
          id="life-day"
          name="day"
          type="date"
          value={day}
          max={today}
          onChange={(e) => {
            const value = e.currentTarget.value;
            if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
              setSaved('');
              setDay(value);
            }
          }}
        />
      </div>
      <ErrorNotice error={q.error} retry={q.reload} />
      {q.data && (
        <form
          noValidate
          key={`${day}-${current?.updatedAt ?? 'none'}`}
          onSubmit={(e) => {
            e.preventDefault();
            setSaved('');
            void save.run(e.currentTarget);
          }}
        >
          <div class="row">
            <StressSelect initial={current?.workStress ?? null} error={errors.workStress} />
            <Input
              label="Caffeine over the day (mg)"
              name="caffeineMg"
              type="number"
              min="0"
              step="1"
              inputMode="numeric"
              hint="A coffee is about 80–100 mg"
              defaultValue={current?.caffeineMg != null ? String(current.caffeineMg) : ''}
              error={errors.caffeineMg}
            />
            <Input
              label="Alcohol (standard units)"
              name="alcoholUnits"
              type="number"
              min="0"
              step="0.5"
              inputMode="decimal"
              hint="10 ml of pure alcohol each"
              defaultValue={current?.alcoholUnits != null ? String(current.alcoholUnits) : ''}
              error={errors.alcoholUnits}
            />
          </div>
          <fieldset class="inline">
            <legend>That day</legend>
            <Checkbox name="travel" label="Travelled" defaultChecked={current?.travel ?? false} />
            <Checkbox name="illness" label="Ill" defaultChecked={current?.illness ?? false} />
          </fieldset>
          <TextArea label="Eating and drinking notes" name="nutritionNotes" defaultValue={current?.nutritionNotes ?? ''} error={errors.nutritionNotes} />
          <ErrorNotice error={save.error} />
          {saved && (
            <Notice kind="success" live>
              <p>Saved the optional log of {saved}.</p>
            </Notice>
          )}
          <button type="submit" disabled={save.busy}>
            {save.busy ? 'Saving…' : 'Save optional log'}
          </button>
        </form>
      )}
    </section>
  );
}

/** The day's stress rating; it holds its own value, as a select takes no default value here. */
function StressSelect(props: { initial: number | null; error: string | undefined }) {
  const [value, setValue] = useState(props.initial === null ? '' : String(props.initial));
  return (
    <Select
      label="Work and life stress (1–10)"
      name="workStress"
      value={value}
      onChange={(e) => setValue(e.currentTarget.value)}
      options={RATINGS_10}
      hint="1 none, 10 extreme"
      error={props.error}
    />
  );
}
