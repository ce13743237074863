import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { COLORS, Chart, type ChartOptions } from '../components/chart';
import { ErrorNotice, Facts, Loading, Notice, Page } from '../components/ui';
import { graphql } from '../gql';
import type { InsightInput, InsightOutcome, InsightsQuery } from '../gql/graphql';
import { request } from '../lib/api';
import { instant, longDay } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { useScope } from '../lib/session';

const InsightsDoc = graphql(`
  query Insights($athleteId: ID) {
    insights(athleteId: $athleteId) {
      ...InsightsView
    }
  }
`);

const RefreshInsights = graphql(`
  mutation RefreshInsights($athleteId: ID) {
    refreshInsights(athleteId: $athleteId) {
      ...InsightsView
    }
  }
`);

graphql(`
  fragment InsightsView on AthleteInsights {
    computedAt
    today
    findings {
      input
      outcome
      lagDays
      n
      r
      rLow
      rHigh
      pValue
      qValue
      inputLow
      inputHigh
      effect
      effectLow
      effectHigh
      inputUnit
      outcomeUnit
      summary
      receipts {
        date
        activityId
        input
        outcome
      }
    }
    tested {
      input
      outcome
      lagDays
      n
      historyDays
      r
      rLow
      rHigh
      pValue
      qValue
    }
    waiting {
      input
      outcome
      n
      needed
    }
  }
`);

type Insights = NonNullable<InsightsQuery['insights']>;
type Finding = Insights['findings'][number];

const INPUT_WORDS: Record<InsightInput, string> = {
  PRE_SESSION_CARBS: 'Carbohydrate before a session',
  CARBS_DURING: 'Carbohydrate per hour during a session',
  PRE_SESSION_CAFFEINE: 'Caffeine before a session',
  SLEEP_DURATION: 'Sleep',
  HRV_VS_BASELINE: 'HRV against your baseline',
  RESTING_HR_VS_BASELINE: 'Resting heart rate against your baseline',
  PREVIOUS_LOAD: 'Training load in the 3 days before',
  MONOTONY: 'Monotony of the week before',
  DAYS_SINCE_HARD: 'Days since the last hard day',
  WORK_STRESS: 'Work and life stress',
  TRAVEL: 'Travel',
  ILLNESS: 'Illness',
};

function outcomeWords(outcome: InsightOutcome, lagDays: number): string {
  switch (outcome) {
    case 'EFFICIENCY_FACTOR':
      return 'efficiency factor';
    case 'AEROBIC_DECOUPLING':
      return 'aerobic decoupling';
    case 'RPE_FOR_SESSION_TYPE':
      return 'effort (RPE) for that kind of session';
    case 'NEXT_MORNING_READINESS':
      return lagDays === 0 ? 'readiness that morning' : 'readiness the next morning';
  }
}

/** "Sleep and readiness that morning". */
export function pairWords(input: InsightInput, outcome: InsightOutcome, lagDays: number): string {
  return `${INPUT_WORDS[input]} and ${outcomeWords(outcome, lagDays)}`;
}

/** Waiting pairs carry no lag: the documented lag of each outcome for them. */
function waitingLag(input: InsightInput, outcome: InsightOutcome): number {
  return outcome === 'NEXT_MORNING_READINESS' && (input === 'WORK_STRESS' || input === 'TRAVEL' || input === 'ILLNESS') ? 1 : 0;
}

/** A signed number: "+2.1", "−0.40", "0.0". */
function signed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return text;
  return `${value < 0 ? '−' : '+'}${text}`;
}

function digitsFor(...values: number[]): number {
  return Math.max(...values.map(Math.abs)) < 1 ? 2 : 1;
}

/** A value with as many decimals as it needs, up to two below 10 ("4", "6.8", "6.83"). */
function amount(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

function qText(q: number): string {
  return q < 0.001 ? '< 0.001' : q.toFixed(3);
}

export default function InsightsPage() {
  const scope = useScope();
  const q = useQuery(InsightsDoc, { athleteId: scope.athleteId });
  const [fresh, setFresh] = useState(false);
  const refresh = useAction(async () => {
    const answer = await request(RefreshInsights, { athleteId: scope.athleteId });
    q.setData(() => ({ insights: answer.refreshInsights }));
    setFresh(true);
  });
  const title = scope.self ? 'Insights' : `${scope.name}: insights`;
  const insights = q.data?.insights;
  const whose = scope.self ? 'your own' : `${scope.name}’s own`;
  return (
    <Page
      title={title}
      lead={`What, in ${whose} history, goes with better and worse sessions and mornings. Only what the data supports, with every observation behind it. These are associations, not causes.`}
      actions={
        scope.canWrite && (
          <button
            type="button"
            class="secondary"
            disabled={refresh.busy}
            onClick={() => {
              setFresh(false);
              void refresh.run();
            }}
          >
            {refresh.busy ? 'Recomputing…' : 'Recompute now'}
          </button>
        )
      }
    >
      <ErrorNotice error={refresh.error} />
      {fresh && !refresh.busy && (
        <Notice kind="success" live>
          <p>Recomputed from the data stored now.</p>
        </Notice>
      )}
      <HowItWorks />
      <ErrorNotice error={q.error} retry={q.reload} />
      {q.loading && !q.data && <Loading what="insights" />}
      {q.data && !insights && (
        <section class="panel" aria-labelledby="none-h">
          <h2 id="none-h">Nothing computed yet</h2>
          <p>
            Stride looks for insights a minute after new data arrives and every night.{' '}
            {scope.canWrite ? 'Choose “Recompute now” to look at once.' : 'They appear here once computed.'}
          </p>
        </section>
      )}
      {insights && <InsightsView insights={insights} />}
    </Page>
  );
}

function HowItWorks() {
  return (
    <details class="panel how">
      <summary>How this works</summary>
      <p>
        Stride tests a fixed list of pairs in one athlete’s own data: an input (sleep, HRV or resting heart rate against the personal baseline, recent training
        load, days since a hard day, work and life stress, travel, illness, and the carbohydrate and caffeine logged for a session) against an outcome (a
        session’s efficiency factor against the recent median, its aerobic decoupling, its effort (RPE) against the usual for that kind of session, or the
        self-rated readiness of a morning).
      </p>
      <p>
        For each pair it measures the correlation and its confidence interval. Because many pairs are tested, the p-values are corrected for multiple
        testing (Benjamini–Hochberg): a pair is reported only when its q-value is at or below the false-discovery rate, with enough observations over a
        long enough time (by default: q at most 10%, at least 20 observations spread over at least six weeks). The effect is the straight-line change in the outcome from a typical low to a typical high value of the input
        (the 25th to the 75th percentile), with its interval.
      </p>
      <p>
        These are associations in one person’s history, not causes: training phase, season or illness can move both sides at once; consecutive days are not
        independent, so the intervals are somewhat optimistic; and what is logged by hand is only as good as the logging. Logging nutrition, stress and travel
        is optional; the more is logged, the more can be tested. The method is described in full in <code>docs/insights.md</code> in Stride’s repository.
      </p>
    </details>
  );
}

function samePair(a: { input: InsightInput; outcome: InsightOutcome; lagDays: number }, b: { input: InsightInput; outcome: InsightOutcome; lagDays: number }) {
  return a.input === b.input && a.outcome === b.outcome && a.lagDays === b.lagDays;
}

function InsightsView(props: { insights: Insights }) {
  const { findings, tested, waiting } = props.insights;
  const quiet = tested.filter((t) => !findings.some((f) => samePair(f, t)));
  return (
    <>
      <p class="muted small">
        Computed {instant(props.insights.computedAt)} from the data up to {longDay(props.insights.today)}: {tested.length} pair{tested.length === 1 ? '' : 's'}{' '}
        tested, {findings.length} finding{findings.length === 1 ? '' : 's'}.
      </p>
      <section aria-labelledby="findings-h">
        <h2 id="findings-h">Findings</h2>
        {findings.length === 0 ? (
          <p class="panel">
            No pair passes the tests yet. That is a result too: nothing in this history stands out beyond what chance would give{' '}
            {tested.length === 0 ? 'once there is enough data to test' : `across the ${tested.length} pairs tested`}.
          </p>
        ) : (
          <ul class="cards findings">
            {findings.map((f) => (
              <FindingCard key={`${f.input}-${f.outcome}-${f.lagDays}`} finding={f} />
            ))}
          </ul>
        )}
      </section>

      <section class="panel" aria-labelledby="tested-h">
        <h2 id="tested-h">Tested, nothing to report</h2>
        {quiet.length === 0 ? (
          <p>{tested.length === 0 ? 'No pair has enough data to test yet.' : 'Every pair tested is a finding above.'}</p>
        ) : (
          <>
            <p class="muted small">
              These pairs had enough data, and their association is within what chance would give once every test is counted. A wide interval around zero
              means “not enough to say”, not “no effect”.
            </p>
            <div class="table-wrap">
              <table class="tested">
                <caption class="visually-hidden">Pairs tested without a finding</caption>
                <thead>
                  <tr>
                    <th scope="col">Pair</th>
                    <th scope="col" class="num">
                      Observations
                    </th>
                    <th scope="col" class="num">
                      Days
                    </th>
                    <th scope="col" class="num">
                      r (interval)
                    </th>
                    <th scope="col" class="num">
                      q
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {quiet.map((t) => (
                    <tr key={`${t.input}-${t.outcome}-${t.lagDays}`}>
                      <th scope="row">{pairWords(t.input, t.outcome, t.lagDays)}</th>
                      <td class="num">{t.n}</td>
                      <td class="num">{t.historyDays}</td>
                      <td class="num">
                        {signed(t.r, 2)} ({signed(t.rLow, 2)} to {signed(t.rHigh, 2)})
                      </td>
                      <td class="num">{qText(t.qValue)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <section class="panel" aria-labelledby="waiting-h">
        <h2 id="waiting-h">Needs more data</h2>
        {waiting.length === 0 ? (
          <p>No pair is waiting for data.</p>
        ) : (
          <>
            <p class="muted small">
              Pairs with some observations, but fewer than a test needs (or over too short a time). Logging is optional; these fill in as data arrives.
            </p>
            <ul class="plain-list waiting">
              {waiting.map((w) => (
                <li key={`${w.input}-${w.outcome}`}>
                  <strong>{pairWords(w.input, w.outcome, waitingLag(w.input, w.outcome))}</strong>: {w.n} observation{w.n === 1 ? '' : 's'} so far,{' '}
                  {w.needed} more needed.
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}

function FindingCard(props: { finding: Finding }) {
  const scope = useScope();
  const f = props.finding;
  const digits = digitsFor(f.effect, f.effectLow, f.effectHigh);
  const id = `finding-${f.input}-${f.outcome}-${f.lagDays}`.toLowerCase();
  return (
    <li aria-labelledby={id}>
      <h3 id={id}>{pairWords(f.input, f.outcome, f.lagDays)}</h3>
      <p class="summary">{f.summary}</p>
      <Facts
        class="plain"
        items={[
          [
            'Effect',
            <>
              {signed(f.effect, digits)} {f.outcomeUnit}
            </>,
          ],
          ['Interval', `${signed(f.effectLow, digits)} to ${signed(f.effectHigh, digits)}`],
          ['Input from → to', `${amount(f.inputLow)} → ${amount(f.inputHigh)} ${f.inputUnit}`],
          ['Observations', String(f.n)],
          ['Correlation r', `${signed(f.r, 2)} (${signed(f.rLow, 2)} to ${signed(f.rHigh, 2)})`],
          ['q-value', qText(f.qValue)],
        ]}
      />
      <details class="receipts-list">
        <summary>Receipts: the {f.receipts.length} observations</summary>
        <Scatter finding={f} />
        <div class="table-wrap">
          <table class="receipts">
            <caption class="visually-hidden">Every observation behind this finding, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Session</th>
                <th scope="col" class="num">
                  {INPUT_WORDS[f.input]} ({f.inputUnit})
                </th>
                <th scope="col" class="num">
                  Outcome ({f.outcomeUnit})
                </th>
              </tr>
            </thead>
            <tbody>
              {f.receipts.map((r, i) => (
                <tr key={i}>
                  <th scope="row">{r.date}</th>
                  <td>
                    {r.activityId ? (
                      <a href={`${scope.base}/activities/${r.activityId}`}>
                        Open the session<span class="visually-hidden"> of {r.date}</span>
                      </a>
                    ) : (
                      <span class="muted">the day</span>
                    )}
                  </td>
                  <td class="num">{amount(r.input)}</td>
                  <td class="num">{amount(r.outcome)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </li>
  );
}

/** The observations as dots, with the straight line fitted through them. */
function Scatter(props: { finding: Finding }) {
  const f = props.finding;
  const { data, options, line } = useMemo(() => {
    const points = [...f.receipts].sort((a, b) => a.input - b.input);
    const xs = points.map((p) => p.input);
    const ys = points.map((p) => p.outcome);
    const n = xs.length;
    const mx = xs.reduce((s, v) => s + v, 0) / (n || 1);
    const my = ys.reduce((s, v) => s + v, 0) / (n || 1);
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      sxx += (xs[i]! - mx) ** 2;
      sxy += (xs[i]! - mx) * (ys[i]! - my);
    }
    const slope = sxx > 0 ? sxy / sxx : 0;
    const fitted = xs.map((x) => my + slope * (x - mx));
    const chartOptions: ChartOptions = {
      scales: { x: { time: false }, y: { auto: true } },
      series: [
        { label: INPUT_WORDS[f.input], value: (_u, v) => (v === null ? '—' : `${amount(v)} ${f.inputUnit}`) },
        {
          label: 'Observation',
          stroke: COLORS.chronic,
          width: 0,
          paths: () => null,
          points: { show: true, size: 7, fill: COLORS.chronic },
          value: (_u, v) => (v === null ? '—' : `${amount(v)} ${f.outcomeUnit}`),
        },
        { label: 'Fitted line', stroke: COLORS.acute, width: 2, points: { show: false }, value: (_u, v) => (v === null ? '—' : amount(v)) },
      ],
      axes: [{ label: `${INPUT_WORDS[f.input]} (${f.inputUnit})` }, { label: f.outcomeUnit, size: 60 }],
    };
    return { data: [xs, ys, fitted] as uPlot.AlignedData, options: chartOptions, line: slope };
  }, [f]);
  return (
    <Chart
      title={`${pairWords(f.input, f.outcome, f.lagDays)}: each observation`}
      summary={`${f.receipts.length} observations of ${outcomeWords(f.outcome, f.lagDays)} against ${INPUT_WORDS[f.input].toLowerCase()}, with a fitted line rising ${amount(line)} ${f.outcomeUnit} per ${f.inputUnit}. Every observation is listed in the table below.`}
      options={options}
      data={data}
      height={220}
    />
  );
}
