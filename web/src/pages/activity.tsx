import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { COLORS, Chart, type ChartOptions } from '../components/chart';
import { Checkbox, ErrorNotice, Facts, Input, Json, Loading, Notice, Page, Select, TextArea, formValues, int, num } from '../components/ui';
import { graphql } from '../gql';
import type { ActivityDetailQuery, Units } from '../gql/graphql';
import { request } from '../lib/api';
import { averagePace, distance, duration, elevation, elevationValue, fixed, instant, pace, paceSeconds, words } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { navigate } from '../lib/router';
import { useMe, useScope } from '../lib/session';

const ActivityDetail = graphql(`
  query ActivityDetail($id: ID!, $points: Int) {
    activity(id: $id) {
      id
      athleteId
      source
      externalId
      sport
      name
      startTime
      localDate
      durationSeconds
      movingTimeSeconds
      distanceMeters
      elevationGainMeters
      averageHeartRate
      maxHeartRate
      rpe
      feeling
      notes
      private
      rpeLoad
      trimp
      loadDetail
      hasSamples
      createdAt
      updatedAt
      sportDetail
      device
      averagePowerWatts
      averageCadence
      energyKcal
      receivedAt
      duplicateOf
      laps {
        startSeconds
        durationSeconds
        distanceMeters
        averageHeartRate
        maxHeartRate
        averagePowerWatts
        averageCadence
      }
      copies {
        id
        source
        externalId
        name
        sportDetail
        device
        startTime
        durationSeconds
        distanceMeters
        receivedAt
      }
      samples(maxPoints: $points) {
        timeSeconds
        heartRate
        speedMps
        altitudeMeters
        powerWatts
        cadence
      }
      fuel {
        activityId
        carbsBeforeGrams
        carbsDuringGrams
        caffeineMg
        fluidMl
        notes
        updatedAt
      }
      efficiency {
        efficiencyFactor
        firstHalfEf
        secondHalfEf
        decouplingPct
        meanSpeedMPerMin
        meanHr
        steady
        speedSource
      }
    }
  }
`);

const UpdateActivity = graphql(`
  mutation UpdateActivity($id: ID!, $input: ActivityPatchInput!) {
    updateActivity(id: $id, input: $input) {
      id
    }
  }
`);

const MakePrimary = graphql(`
  mutation MakePrimaryActivity($id: ID!) {
    makePrimaryActivity(id: $id) {
      id
      duplicateOf
    }
  }
`);

const Separate = graphql(`
  mutation SeparateActivity($id: ID!) {
    separateActivity(id: $id) {
      id
      duplicateOf
    }
  }
`);

const LogSessionFuel = graphql(`
  mutation LogSessionFuel($activityId: ID!, $input: SessionFuelInput!) {
    logSessionFuel(activityId: $activityId, input: $input) {
      activityId
      carbsBeforeGrams
      carbsDuringGrams
      caffeineMg
      fluidMl
      notes
      updatedAt
    }
  }
`);

const DeleteActivity = graphql(`
  mutation DeleteActivity($id: ID!) {
    deleteActivity(id: $id)
  }
`);

type Activity = ActivityDetailQuery['activity'];

export default function ActivityPage(props: { params: Record<string, string> }) {
  const scope = useScope();
  const me = useMe();
  const q = useQuery(ActivityDetail, { id: props.params.id!, points: 600 });
  const a = q.data?.activity;
  const title = a ? a.name : 'Activity';
  return (
    <Page title={title} lead={a ? `${words(a.sport)} on ${instant(a.startTime)}` : undefined}>
      <p>
        <a href={`${scope.base}/activities`}>← All activities</a>
      </p>
      <ErrorNotice error={q.error} retry={q.reload} />
      {!a && !q.error && <Loading what="the activity" />}
      {a && (
        <>
          <section class="panel" aria-labelledby="summary-h">
            <h2 id="summary-h">Summary</h2>
            <Facts
              items={[
                ['Time', duration(a.durationSeconds)],
                ['Moving time', duration(a.movingTimeSeconds)],
                ['Distance', distance(a.distanceMeters, me.units)],
                ['Average pace', averagePace(a.distanceMeters, a.movingTimeSeconds ?? a.durationSeconds, me.units)],
                ['Ascent', elevation(a.elevationGainMeters, me.units)],
                ['Average HR', a.averageHeartRate ? `${fixed(a.averageHeartRate, 0)} bpm` : '—'],
                ['Max HR', a.maxHeartRate ? `${fixed(a.maxHeartRate, 0)} bpm` : '—'],
                ['RPE', a.rpe ?? '—'],
                ['Feeling', a.feeling ? `${a.feeling}/5` : '—'],
                ...(a.averagePowerWatts != null ? ([['Average power', `${fixed(a.averagePowerWatts, 0)} W`]] as [string, string][]) : []),
                ...(a.averageCadence != null ? ([['Average cadence', `${fixed(a.averageCadence, 0)} /min`]] as [string, string][]) : []),
                ...(a.energyKcal != null ? ([['Energy', `${fixed(a.energyKcal, 0)} kcal`]] as [string, string][]) : []),
              ]}
            />
            {a.notes && <p>{a.notes}</p>}
          </section>
          {a.duplicateOf && (
            <Notice kind="warning">
              <p>
                This is another source’s copy of <a href={`${scope.base}/activities/${a.duplicateOf}`}>a workout already stored</a>: only that one counts in load,
                stats and the plan.
              </p>
            </Notice>
          )}
          {a.laps.length > 0 && <Laps laps={a.laps} units={me.units} />}
          {a.samples ? <SampleCharts samples={a.samples} units={me.units} /> : <p class="panel">No samples were recorded for this activity.</p>}
          <div class="grid two">
            <section class="panel" aria-labelledby="load-h">
              <h2 id="load-h">Load and its receipts</h2>
              <Facts
                items={[
                  ['Session RPE load', fixed(a.rpeLoad, 0)],
                  ['TRIMP', fixed(a.trimp)],
                ]}
              />
              <LoadReceipts detail={a.loadDetail} />
              {a.efficiency && (
                <>
                  <h3>Efficiency</h3>
                  <Facts
                    class="plain"
                    items={[
                      ['Efficiency factor', fixed(a.efficiency.efficiencyFactor, 2)],
                      ['First / second half', `${fixed(a.efficiency.firstHalfEf, 2)} / ${fixed(a.efficiency.secondHalfEf, 2)}`],
                      ['Decoupling', `${fixed(a.efficiency.decouplingPct, 1)}%`],
                      ['Steady enough', a.efficiency.steady ? 'yes' : 'no'],
                    ]}
                  />
                </>
              )}
            </section>
            <section class="panel" aria-labelledby="source-h">
              <h2 id="source-h">Source</h2>
              <Facts
                class="plain"
                items={[
                  ['Source', sourceName(a.source)],
                  ['Provider’s id', a.externalId ?? '—'],
                  ['Device', a.device ?? '—'],
                  ['Sport, as the source named it', a.sportDetail ?? '—'],
                  ['Received', instant(a.receivedAt)],
                  ['Stored', instant(a.createdAt)],
                  ['Last changed', instant(a.updatedAt)],
                  ['Visible to coaches', a.private ? 'no (private)' : 'yes'],
                ]}
              />
            </section>
          </div>
          {(a.duplicateOf || a.copies.length > 0) && <Copies activity={a} onChange={q.reload} />}
          <Fuelling activity={a} onSaved={q.reload} />
          {scope.canWrite && <EditActivity activity={a} onSaved={q.reload} />}
        </>
      )}
    </Page>
  );
}

function sourceName(source: string): string {
  return source === 'manual' ? 'Logged by hand' : source;
}

/** This copy of a workout and the others from other sources; which one counts, and splitting them. */
function Copies(props: { activity: Activity; onChange: () => void }) {
  const scope = useScope();
  const me = useMe();
  const a = props.activity;
  const makePrimary = useAction(async (id: string) => {
    await request(MakePrimary, { id });
    if (id === a.id) props.onChange();
    else navigate(`${scope.base}/activities/${id}`);
  });
  const separate = useAction(async (id: string) => {
    await request(Separate, { id });
    props.onChange();
  });
  const busy = makePrimary.busy || separate.busy;
  const rows = [
    { ...a, self: true, primary: !a.duplicateOf },
    ...a.copies.map((c) => ({ ...c, self: false, primary: false })),
  ];
  return (
    <section class="panel" aria-labelledby="copies-h">
      <h2 id="copies-h">Sources of this workout</h2>
      <p class="muted small">
        Stride keeps every source’s copy of a workout and counts one of them (chosen by source priority unless you pick). If two copies are really different
        workouts, separate them and each counts on its own.
      </p>
      <div class="table-wrap">
        <table class="copies">
          <caption>{a.duplicateOf ? 'This copy' : `This workout and ${a.copies.length === 1 ? 'its copy' : `its ${a.copies.length} copies`}`}</caption>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Received</th>
              <th scope="col">Device</th>
              <th scope="col">Distance</th>
              <th scope="col">Counts</th>
              {scope.canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} class={c.self ? 'self' : undefined}>
                <th scope="row">
                  {c.self ? (
                    <>
                      {sourceName(c.source)} <span class="muted">(this page)</span>
                    </>
                  ) : (
                    <a href={`${scope.base}/activities/${c.id}`}>{sourceName(c.source)}</a>
                  )}
                  {c.sportDetail && <span class="small muted"> · {c.sportDetail}</span>}
                </th>
                <td>{instant(c.receivedAt)}</td>
                <td>{c.device ?? '—'}</td>
                <td>{distance(c.distanceMeters, me.units)}</td>
                <td>{c.primary ? <span class="tag good">primary</span> : <span class="tag">copy</span>}</td>
                {scope.canWrite && (
                  <td>
                    {!c.primary && (
                      <div class="actions compact">
                        <button type="button" class="secondary small" disabled={busy} onClick={() => void makePrimary.run(c.id)}>
                          Make this the primary
                        </button>
                        <button
                          type="button"
                          class="secondary small"
                          disabled={busy}
                          onClick={() => {
                            if (window.confirm(`Is the ${sourceName(c.source)} copy a different workout? It then counts on its own and is never grouped with this one again.`))
                              void separate.run(c.id);
                          }}
                        >
                          These are different workouts
                        </button>
                      </div>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorNotice error={makePrimary.error ?? separate.error} />
    </section>
  );
}

type Lap = Activity['laps'][number];

function Laps(props: { laps: Lap[]; units: Units }) {
  const { laps, units } = props;
  const has = (key: keyof Lap) => laps.some((l) => l[key] != null);
  return (
    <section class="panel" aria-labelledby="laps-h">
      <h2 id="laps-h">Laps</h2>
      <div class="table-wrap">
        <table class="laps">
          <caption class="visually-hidden">Laps, in order</caption>
          <thead>
            <tr>
              <th scope="col" class="num">
                Lap
              </th>
              <th scope="col" class="num">
                Starts at
              </th>
              <th scope="col" class="num">
                Time
              </th>
              {has('distanceMeters') && (
                <>
                  <th scope="col" class="num">
                    Distance
                  </th>
                  <th scope="col" class="num">
                    Pace
                  </th>
                </>
              )}
              {has('averageHeartRate') && (
                <th scope="col" class="num">
                  Avg HR
                </th>
              )}
              {has('maxHeartRate') && (
                <th scope="col" class="num">
                  Max HR
                </th>
              )}
              {has('averagePowerWatts') && (
                <th scope="col" class="num">
                  Power
                </th>
              )}
              {has('averageCadence') && (
                <th scope="col" class="num">
                  Cadence
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {laps.map((l, i) => (
              <tr key={i}>
                <th scope="row" class="num">
                  {i + 1}
                </th>
                <td class="num">{duration(Math.round(l.startSeconds))}</td>
                <td class="num">{duration(Math.round(l.durationSeconds))}</td>
                {has('distanceMeters') && (
                  <>
                    <td class="num">{distance(l.distanceMeters, units)}</td>
                    <td class="num">{averagePace(l.distanceMeters, l.durationSeconds, units)}</td>
                  </>
                )}
                {has('averageHeartRate') && <td class="num">{l.averageHeartRate != null ? fixed(l.averageHeartRate, 0) : '—'}</td>}
                {has('maxHeartRate') && <td class="num">{l.maxHeartRate != null ? fixed(l.maxHeartRate, 0) : '—'}</td>}
                {has('averagePowerWatts') && <td class="num">{l.averagePowerWatts != null ? `${fixed(l.averagePowerWatts, 0)} W` : '—'}</td>}
                {has('averageCadence') && <td class="num">{l.averageCadence != null ? fixed(l.averageCadence, 0) : '—'}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function LoadReceipts(props: { detail: unknown }) {
  const detail = props.detail as Record<string, unknown> | null;
  if (!detail || typeof detail !== 'object') return <p class="muted">No receipts.</p>;
  const notes = Array.isArray(detail.notes) ? (detail.notes as string[]) : [];
  const entries = Object.entries(detail).filter(([k]) => k !== 'notes');
  return (
    <>
      <table class="receipts">
        <caption>How the loads were computed</caption>
        <tbody>
          {entries.map(([key, value]) => (
            <tr key={key}>
              <th scope="row">{key.replace(/_/g, ' ')}</th>
              <td>{typeof value === 'object' && value !== null ? Object.entries(value).map(([k, v]) => `${k} = ${String(v)}`).join(', ') : String(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {notes.length > 0 && (
        <ul>
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <details>
        <summary>Raw receipts (JSON)</summary>
        <Json value={detail} />
      </details>
    </>
  );
}

type Samples = NonNullable<Activity['samples']>;

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}` : `${m} min`;
}

function channelOptions(label: string, unit: string, color: string, format: (v: number) => string, invert = false): ChartOptions {
  return {
    scales: { x: { time: false }, y: { auto: true, dir: invert ? -1 : 1 } },
    series: [
      { label: 'Elapsed', value: (_u, v) => (v === null ? '—' : clock(v)) },
      { label, stroke: color, width: 1.75, value: (_u, v) => (v === null ? '—' : `${format(v)} ${unit}`), points: { show: false } },
    ],
    axes: [
      { values: (_u, splits) => splits.map(clock) },
      { label: unit, values: (_u, splits) => splits.map(format), size: 60 },
    ],
    legend: { live: true },
  };
}

function SampleCharts(props: { samples: Samples; units: Units }) {
  const { samples, units } = props;
  const charts = useMemo(() => {
    const x = samples.timeSeconds;
    const out: { title: string; summary: string; options: ChartOptions; data: uPlot.AlignedData }[] = [];
    const stats = (values: number[]) => {
      const finite = values.filter((v) => Number.isFinite(v));
      return { min: Math.min(...finite), max: Math.max(...finite), mean: finite.reduce((s, v) => s + v, 0) / (finite.length || 1) };
    };
    if (samples.heartRate?.length) {
      const s = stats(samples.heartRate);
      out.push({
        title: 'Heart rate',
        summary: `Heart rate over the activity: mean ${s.mean.toFixed(0)} bpm, from ${s.min.toFixed(0)} to ${s.max.toFixed(0)} bpm.`,
        options: channelOptions('Heart rate', 'bpm', COLORS.hr, (v) => v.toFixed(0)),
        data: [x, samples.heartRate],
      });
    }
    if (samples.speedMps?.length) {
      const paces = samples.speedMps.map((v) => paceSeconds(v, units));
      const finite = paces.filter((p): p is number => p !== null);
      const mean = finite.reduce((s, v) => s + v, 0) / (finite.length || 1);
      out.push({
        title: 'Pace',
        summary: `Pace over the activity: mean ${pace(mean, units)}.`,
        options: channelOptions('Pace', `/${units === 'IMPERIAL' ? 'mi' : 'km'}`, COLORS.pace, (v) => pace(v, units).split(' ')[0]!, true),
        data: [x, paces],
      });
    }
    if (samples.powerWatts?.length) {
      const s = stats(samples.powerWatts);
      out.push({
        title: 'Power',
        summary: `Power over the activity: mean ${s.mean.toFixed(0)} W, up to ${s.max.toFixed(0)} W.`,
        options: channelOptions('Power', 'W', COLORS.power, (v) => v.toFixed(0)),
        data: [x, samples.powerWatts],
      });
    }
    if (samples.altitudeMeters?.length) {
      const values = samples.altitudeMeters.map((m) => elevationValue(m, units));
      const s = stats(values);
      const unit = units === 'IMPERIAL' ? 'ft' : 'm';
      out.push({
        title: 'Elevation',
        summary: `Elevation over the activity: from ${s.min.toFixed(0)} to ${s.max.toFixed(0)} ${unit}.`,
        options: channelOptions('Elevation', unit, COLORS.elevation, (v) => v.toFixed(0)),
        data: [x, values],
      });
    }
    return out;
  }, [samples, units]);
  return (
    <section class="panel" aria-labelledby="samples-h">
      <h2 id="samples-h">Recorded samples</h2>
      <p class="muted small">{samples.timeSeconds.length} points, thinned evenly over the whole activity.</p>
      <div class="grid two">
        {charts.map((c) => (
          <Chart key={c.title} title={c.title} summary={c.summary} options={c.options} data={c.data} height={200} />
        ))}
      </div>
    </section>
  );
}

/** What the athlete ate and drank for the session: optional, shown when logged. */
function Fuelling(props: { activity: Activity; onSaved: () => void }) {
  const scope = useScope();
  const a = props.activity;
  const fuel = a.fuel;
  const [saved, setSaved] = useState(false);
  const save = useAction(async (values: Record<string, string>) => {
    // The form shows what is stored, so an emptied field clears it.
    await request(LogSessionFuel, {
      activityId: a.id,
      input: {
        carbsBeforeGrams: num(values.carbsBeforeGrams) ?? null,
        carbsDuringGrams: num(values.carbsDuringGrams) ?? null,
        caffeineMg: num(values.caffeineMg) ?? null,
        fluidMl: num(values.fluidMl) ?? null,
        notes: values.fuelNotes ?? null,
      },
    });
    setSaved(true);
    props.onSaved();
  });
  if (!fuel && !scope.canWrite) return null;
  const errors = save.error?.byField ?? {};
  const logged: [string, string][] = fuel
    ? (
        [
          ['Carbohydrate before', fuel.carbsBeforeGrams != null ? `${fixed(fuel.carbsBeforeGrams, 0)} g` : null],
          ['Carbohydrate during', fuel.carbsDuringGrams != null ? `${fixed(fuel.carbsDuringGrams, 0)} g` : null],
          ['Caffeine before', fuel.caffeineMg != null ? `${fixed(fuel.caffeineMg, 0)} mg` : null],
          ['Fluid during', fuel.fluidMl != null ? `${fixed(fuel.fluidMl, 0)} ml` : null],
        ] as [string, string | null][]
      ).filter((x): x is [string, string] => x[1] !== null)
    : [];
  const value = (v: number | null | undefined) => (v != null ? String(v) : '');
  return (
    <section class="panel" aria-labelledby="fuel-h">
      <h2 id="fuel-h">Optional: fuelling</h2>
      {fuel ? (
        <>
          {logged.length > 0 && <Facts class="plain" items={logged} />}
          {fuel.notes && <p>{fuel.notes}</p>}
          <p class="small muted">Logged {instant(fuel.updatedAt)}.</p>
        </>
      ) : (
        <p class="muted">
          Only if you want to: what you ate and drank around this session (carbohydrate in the hours before and in total during it, caffeine before,
          fluid during). Logged often enough, <a href={`${scope.base}/insights`}>Insights</a> can test it
          against how your sessions went.
        </p>
      )}
      {scope.canWrite && (
        <details>
          <summary>{fuel ? 'Change the fuelling log' : 'Log fuelling (optional)'}</summary>
          <form
            noValidate
            key={fuel?.updatedAt ?? 'none'}
            onSubmit={(e) => {
              e.preventDefault();
              setSaved(false);
              void save.run(formValues(e.currentTarget));
            }}
          >
            <div class="row">
              <Input label="Carbohydrate before (g)" name="carbsBeforeGrams" type="number" min="0" step="1" inputMode="numeric" defaultValue={value(fuel?.carbsBeforeGrams)} error={errors.carbsBeforeGrams} />
              <Input label="Carbohydrate during (g)" name="carbsDuringGrams" type="number" min="0" step="1" inputMode="numeric" defaultValue={value(fuel?.carbsDuringGrams)} error={errors.carbsDuringGrams} />
              <Input label="Caffeine before (mg)" name="caffeineMg" type="number" min="0" step="1" inputMode="numeric" defaultValue={value(fuel?.caffeineMg)} error={errors.caffeineMg} />
              <Input label="Fluid during (ml)" name="fluidMl" type="number" min="0" step="50" inputMode="numeric" defaultValue={value(fuel?.fluidMl)} error={errors.fluidMl} />
            </div>
            <TextArea label="Fuelling notes" name="fuelNotes" defaultValue={fuel?.notes ?? ''} error={errors.notes} />
            <ErrorNotice error={save.error} />
            {saved && !save.busy && !save.error && (
              <Notice kind="success" live>
                <p>Fuelling saved.</p>
              </Notice>
            )}
            <button type="submit" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save fuelling'}
            </button>
          </form>
        </details>
      )}
    </section>
  );
}

function EditActivity(props: { activity: Activity; onSaved: () => void }) {
  const scope = useScope();
  const a = props.activity;
  const [saved, setSaved] = useState(false);
  const save = useAction(async (values: Record<string, string>, isPrivate: boolean) => {
    await request(UpdateActivity, {
      id: a.id,
      input: {
        name: values.name ?? a.name,
        rpe: int(values.rpe) ?? null,
        feeling: int(values.feeling) ?? null,
        notes: values.notes ?? null,
        ...(scope.self ? { private: isPrivate } : {}),
      },
    });
    setSaved(true);
    props.onSaved();
    return true;
  });
  const remove = useAction(async () => {
    await request(DeleteActivity, { id: a.id });
    navigate(`${scope.base}/activities`);
  });
  const errors = save.error?.byField ?? {};
  return (
    <section class="panel" aria-labelledby="edit-h">
      <h2 id="edit-h">Edit</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          void save.run(formValues(form), (form.elements.namedItem('private') as HTMLInputElement | null)?.checked ?? a.private);
        }}
      >
        <div class="row">
          <Input label="Title" name="name" defaultValue={a.name} error={errors.name} />
          <Select label="Effort (RPE 1–10)" name="rpe" defaultValue={a.rpe ? String(a.rpe) : ''} error={errors.rpe} options={[['', 'Not rated'], ...Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)] as const)]} />
          <Select label="Feeling" name="feeling" defaultValue={a.feeling ? String(a.feeling) : ''} error={errors.feeling} options={[['', '—'], ['1', '1 awful'], ['2', '2'], ['3', '3'], ['4', '4'], ['5', '5 great']]} />
        </div>
        <TextArea label="Notes" name="notes" defaultValue={a.notes ?? ''} error={errors.notes} />
        {scope.self && <Checkbox name="private" label="Private: hide from coaches" defaultChecked={a.private} />}
        <ErrorNotice error={save.error} />
        {saved && !save.busy && !save.error && (
          <Notice kind="success" live>
            <p>Saved.</p>
          </Notice>
        )}
        <div class="actions">
          <button type="submit" disabled={save.busy}>
            Save changes
          </button>
          <button
            type="button"
            class="danger secondary"
            disabled={remove.busy}
            onClick={() => {
              if (window.confirm(`Delete “${a.name}”? Its load leaves the stats.`)) void remove.run();
            }}
          >
            Delete activity
          </button>
        </div>
        <ErrorNotice error={remove.error} />
      </form>
    </section>
  );
}

