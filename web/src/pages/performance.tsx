import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { COLORS, Chart, bars, dayToX, utcDate, type ChartOptions } from '../components/chart';
import { ErrorNotice, Facts, Input, Loading, Page } from '../components/ui';
import { graphql } from '../gql';
import type { PerformanceQuery } from '../gql/graphql';
import { addDays, daysBetween, fixed, longDay, todayIn } from '../lib/format';
import { useQuery } from '../lib/hooks';
import { ACWR_LOW, ACWR_SWEET_TOP, BAND_TAG, BAND_WORDS, acwrBand, conventionSentence } from '../lib/load';
import { navigate, useLocation } from '../lib/router';
import { useScope } from '../lib/session';

const PerformanceStats = graphql(`
  query Performance($athleteId: ID, $from: NaiveDate!, $to: NaiveDate!) {
    trainingStats(athleteId: $athleteId, from: $from, to: $to) {
      convention {
        ewma
        acuteDays
        chronicDays
        monotonyDays
        acuteLambda
        chronicLambda
        sdConvention
        loadMetric
        acwrAlert
        monotonyAlert
        monotonyCap
      }
      days {
        date
        load
        acute
        chronic
        acwr
        tsb
        monotony
        monotonyCapped
        weeklyLoad
        strain
        warmingUp
      }
    }
  }
`);

type Stats = PerformanceQuery['trainingStats'];

const PRESETS: [number, string][] = [
  [42, '6 weeks'],
  [90, '3 months'],
  [180, '6 months'],
  [365, '1 year'],
];

export default function Performance() {
  const scope = useScope();
  const { query } = useLocation();
  const today = todayIn(scope.timeZone);
  const days = Number(query.get('days') ?? '0');
  const custom = query.get('from') && query.get('to');
  const to = custom ? query.get('to')! : today;
  const from = custom ? query.get('from')! : addDays(today, -((days > 0 ? days : 90) - 1));
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
  const stats = useQuery(PerformanceStats, { athleteId: scope.athleteId, from, to }, { skip: !valid });
  const title = scope.self ? 'Performance' : `${scope.name}: performance`;
  const base = `${scope.base}/performance`;
  const span = daysBetween(from, to) + 1;

  return (
    <Page title={title} lead="Fitness (chronic load), fatigue (acute load), form and the injury-risk ratios over the days you choose.">
      <section class="panel" aria-labelledby="range-h">
        <h2 id="range-h">Range</h2>
        <ul class="actions" aria-label="Preset ranges">
          {PRESETS.map(([n, label]) => (
            <li key={n} class="plain-li">
              <a class={`button small${!custom && (days || 90) === n ? '' : ' secondary'}`} href={`${base}?days=${n}`} aria-current={!custom && (days || 90) === n ? 'true' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            navigate(`${base}?from=${data.get('from')}&to=${data.get('to')}`);
          }}
        >
          <Input label="From" name="from" type="date" defaultValue={from} max={to} required key={`f${from}`} />
          <Input label="To" name="to" type="date" defaultValue={to} required key={`t${to}`} />
          <button type="submit" class="secondary">
            Show
          </button>
        </form>
        <p class="muted small" aria-live="polite">
          Showing {longDay(from)} to {longDay(to)} ({span} days).
        </p>
        {!valid && <p class="field-error">Choose a start day on or before the end day.</p>}
      </section>
      <ErrorNotice error={stats.error} retry={stats.reload} />
      {stats.loading && !stats.data && <Loading what="the numbers" />}
      {stats.data && <StatsView stats={stats.data.trainingStats} from={from} to={to} />}
    </Page>
  );
}

function StatsView(props: { stats: Stats; from: string; to: string }) {
  const { convention, days } = props.stats;
  const last = days[days.length - 1];
  const band = acwrBand(last?.acwr, convention.acwrAlert);
  const x = useMemo(() => days.map((d) => dayToX(d.date)), [days]);

  const loadData = useMemo<uPlot.AlignedData>(
    () => [x, days.map((d) => d.load), days.map((d) => d.acute), days.map((d) => d.chronic), days.map((d) => d.tsb)],
    [days, x],
  );
  const ratioData = useMemo<uPlot.AlignedData>(() => [x, days.map((d) => d.acwr), days.map((d) => d.monotony)], [days, x]);

  const loadOptions = useMemo<ChartOptions>(
    () => ({
      tzDate: utcDate,
      scales: { x: { time: true }, load: { auto: true }, tsb: { auto: true } },
      series: [
        { label: 'Day' },
        { label: 'Daily load', scale: 'load', stroke: COLORS.load, fill: 'rgba(154,165,177,0.45)', paths: bars, points: { show: false }, value: (_u, v) => fixed(v, 0) },
        { label: `Acute (${convention.acuteDays} d)`, scale: 'load', stroke: COLORS.acute, width: 2, value: (_u, v) => fixed(v) },
        { label: `Chronic (${convention.chronicDays} d)`, scale: 'load', stroke: COLORS.chronic, width: 2.5, value: (_u, v) => fixed(v) },
        { label: 'Form (TSB)', scale: 'tsb', stroke: COLORS.tsb, width: 1.5, dash: [6, 4], value: (_u, v) => fixed(v) },
      ],
      axes: [{}, { scale: 'load', label: 'Load' }, { scale: 'tsb', side: 1, label: 'Form', grid: { show: false } }],
    }),
    [convention],
  );

  const ratioOptions = useMemo<ChartOptions>(() => {
    const bands: [number, number, string][] = [
      [0, ACWR_LOW, 'rgba(219,231,243,0.8)'],
      [ACWR_LOW, ACWR_SWEET_TOP, 'rgba(217,240,223,0.9)'],
      [ACWR_SWEET_TOP, convention.acwrAlert, 'rgba(253,240,196,0.9)'],
      [convention.acwrAlert, 100, 'rgba(251,213,209,0.9)'],
    ];
    return {
      tzDate: utcDate,
      scales: { x: { time: true }, ratio: { range: (_u, _min, max) => [0, Math.max(2, Math.ceil(((max ?? 0) + 0.2) * 2) / 2)] } },
      series: [
        { label: 'Day' },
        { label: 'ACWR', scale: 'ratio', stroke: COLORS.acwr, width: 2.5, value: (_u, v) => fixed(v, 2) },
        { label: 'Monotony', scale: 'ratio', stroke: COLORS.monotony, width: 1.5, dash: [4, 4], value: (_u, v) => fixed(v, 2) },
      ],
      axes: [{}, { scale: 'ratio', label: 'Ratio' }],
      hooks: {
        drawClear: [
          (u: uPlot) => {
            const ctx = u.ctx;
            const { left, top, width, height } = u.bbox;
            ctx.save();
            ctx.beginPath();
            ctx.rect(left, top, width, height);
            ctx.clip();
            for (const [low, high, color] of bands) {
              const y1 = u.valToPos(high, 'ratio', true);
              const y0 = u.valToPos(low, 'ratio', true);
              ctx.fillStyle = color;
              ctx.fillRect(left, Math.min(y0, y1), width, Math.abs(y0 - y1));
            }
            ctx.restore();
          },
        ],
      },
    };
  }, [convention]);

  if (days.length === 0) {
    return (
      <section class="panel">
        <p>No training history in this range yet.</p>
      </section>
    );
  }

  return (
    <>
      <section class="panel" aria-labelledby="latest-h">
        <h2 id="latest-h">On {longDay(last!.date)}</h2>
        <Facts
          items={[
            ['Chronic load', fixed(last!.chronic)],
            ['Acute load', fixed(last!.acute)],
            ['Form (TSB)', fixed(last!.tsb)],
            [
              'ACWR',
              <>
                {fixed(last!.acwr, 2)} {band && <span class={`tag ${BAND_TAG[band]}`}>{BAND_WORDS[band]}</span>}
              </>,
            ],
            ['Monotony', `${fixed(last!.monotony, 2)}${last!.monotonyCapped ? ' (cap)' : ''}`],
            ['Strain', fixed(last!.strain, 0)],
          ]}
        />
        {last!.warmingUp && <p class="muted">History is still shorter than the chronic window, so ACWR alerts are held back.</p>}
        <p class="small">
          <strong>Convention:</strong> <span class="convention">{conventionSentence(convention)}</span>
        </p>
      </section>

      <section class="panel" aria-labelledby="charts-h">
        <h2 id="charts-h">Charts</h2>
        <Chart
          title="Load: daily load, acute and chronic load, form (TSB)"
          summary={`Daily load with acute and chronic load and form from ${props.from} to ${props.to}; on the last day chronic ${fixed(last!.chronic)}, acute ${fixed(last!.acute)}, form ${fixed(last!.tsb)}. The numbers are in the table below.`}
          options={loadOptions}
          data={loadData}
        />
        <Chart
          title="ACWR with its risk band, and monotony"
          summary={`Acute:chronic workload ratio and monotony from ${props.from} to ${props.to}; on the last day ACWR ${fixed(last!.acwr, 2)}, monotony ${fixed(last!.monotony, 2)}.`}
          options={ratioOptions}
          data={ratioData}
          height={220}
        />
        <ul class="key" aria-label="ACWR bands">
          <li>
            <span class="swatch band-low" aria-hidden="true" />
            under {ACWR_LOW}: low
          </li>
          <li>
            <span class="swatch band-sweet" aria-hidden="true" />
            {ACWR_LOW}–{ACWR_SWEET_TOP}: sweet spot
          </li>
          <li>
            <span class="swatch band-caution" aria-hidden="true" />
            {ACWR_SWEET_TOP}–{convention.acwrAlert}: caution
          </li>
          <li>
            <span class="swatch band-high" aria-hidden="true" />
            above {convention.acwrAlert}: high (alert)
          </li>
        </ul>
        <p class="muted small">Monotony alerts above {convention.monotonyAlert}; it is capped at {convention.monotonyCap} when every day’s load is the same.</p>
      </section>

      <details class="panel">
        <summary>The numbers, day by day ({days.length} days)</summary>
        <div class="table-wrap">
          <table class="stats-table">
            <caption>Rolling stats, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" class="num">Load</th>
                <th scope="col" class="num">Acute</th>
                <th scope="col" class="num">Chronic</th>
                <th scope="col" class="num">Form</th>
                <th scope="col" class="num">ACWR</th>
                <th scope="col" class="num">Monotony</th>
              </tr>
            </thead>
            <tbody>
              {[...days].reverse().map((d) => (
                <tr key={d.date}>
                  <th scope="row">{d.date}</th>
                  <td class="num">{fixed(d.load, 0)}</td>
                  <td class="num">{fixed(d.acute)}</td>
                  <td class="num">{fixed(d.chronic)}</td>
                  <td class="num">{fixed(d.tsb)}</td>
                  <td class="num">{fixed(d.acwr, 2)}</td>
                  <td class="num">{fixed(d.monotony, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
