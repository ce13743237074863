import { useState } from 'preact/hooks';
import { AccountQueryDoc, BodyFields, HeartFields, UnitsField, UpdateBaselines, UpdateProfile, readBody, readHeart, type Account } from '../components/account';
import { AvailabilityFields, CreatePlan, GoalFields, errorsOf, readAvailability, readGoal, type GoalDraft } from '../components/plan-form';
import { ErrorNotice, Loading, Page, formValues } from '../components/ui';
import { graphql } from '../gql';
import type { Units } from '../gql/graphql';
import { request } from '../lib/api';
import { longDay } from '../lib/format';
import { useAction, useQuery } from '../lib/hooks';
import { navigate, useLocation } from '../lib/router';
import { useSession } from '../lib/session';
import { ProviderList } from './connections';

const Progress = graphql(`
  query OnboardingProgress {
    trainingPlan {
      id
      name
      goalRaceDate
    }
    connections {
      provider
      status
    }
  }
`);

const STEPS = [
  ['goal', 'Goal race'],
  ['availability', 'Weekly availability'],
  ['baselines', 'Body and heart'],
  ['device', 'Connect a device'],
  ['units', 'Units'],
] as const;
type Step = (typeof STEPS)[number][0];

export default function Onboarding() {
  const { query } = useLocation();
  const account = useQuery(AccountQueryDoc, {});
  const progress = useQuery(Progress, {});
  const [goal, setGoal] = useState<GoalDraft | null>(null);
  if (account.error || progress.error) {
    return (
      <Page title="Set up Stride">
        <ErrorNotice error={account.error ?? progress.error} retry={() => (account.reload(), progress.reload())} />
      </Page>
    );
  }
  if (!account.data || !progress.data) return <Loading />;
  const me = account.data.me;
  const { trainingPlan, connections } = progress.data;
  // Progress comes from what is stored: a plan covers the first two steps, heart rates the third.
  const done: Record<Step, boolean> = {
    goal: !!trainingPlan,
    availability: !!trainingPlan,
    baselines: !!me.baselines.restingHeartRate && !!me.baselines.maxHeartRate,
    device: connections.length > 0,
    units: false,
  };
  const resume: Step = !done.goal ? 'goal' : !done.baselines ? 'baselines' : !done.device ? 'device' : 'units';
  const asked = query.get('step') as Step | null;
  let step: Step = asked && STEPS.some(([s]) => s === asked) ? asked : resume;
  if (step === 'availability' && !goal && !done.availability) step = 'goal';
  const go = (next: Step) => navigate(`/onboarding?step=${next}`);
  const index = STEPS.findIndex(([s]) => s === step);

  return (
    <Page title="Set up Stride" lead={`Welcome, ${me.displayName}. A few questions and Stride builds your plan; you can stop and come back at any time.`}>
      <nav aria-label="Set-up steps">
        <ol class="steps">
          {STEPS.map(([s, label], i) => (
            <li key={s} class={done[s] ? 'done' : ''} aria-current={s === step ? 'step' : undefined}>
              {s !== step && (done[s] || i < index) ? <a href={`/onboarding?step=${s}`}>{label}</a> : label}
              {done[s] && <span class="visually-hidden"> (done)</span>}
            </li>
          ))}
        </ol>
      </nav>
      <section class="panel" aria-labelledby="step-h">
        <h2 id="step-h">
          Step {index + 1} of {STEPS.length}: {STEPS[index]![1]}
        </h2>
        {(step === 'goal' || step === 'availability') && trainingPlan ? (
          <>
            <p>
              Your plan “{trainingPlan.name}” toward {longDay(trainingPlan.goalRaceDate)} is ready. You can change it on the <a href="/plan">Plan</a> page.
            </p>
            <button type="button" onClick={() => go('baselines')}>
              Next
            </button>
          </>
        ) : step === 'goal' ? (
          <GoalStep me={me} initial={goal} onNext={(g) => (setGoal(g), go('availability'))} />
        ) : step === 'availability' ? (
          <AvailabilityStep goal={goal!} onDone={() => (progress.reload(), go('baselines'))} onBack={() => go('goal')} />
        ) : step === 'baselines' ? (
          <BaselinesStep me={me} onDone={() => (account.reload(), go('device'))} />
        ) : step === 'device' ? (
          <>
            <p>Connect the account your watch or bike computer uploads to, and your sessions arrive by themselves. This is optional.</p>
            <ProviderList onChange={progress.reload} />
            <div class="actions">
              <button type="button" onClick={() => go('units')}>
                {done.device ? 'Next' : 'Skip for now'}
              </button>
            </div>
          </>
        ) : (
          <UnitsStep me={me} />
        )}
      </section>
    </Page>
  );
}

function GoalStep(props: { me: Account; initial: GoalDraft | null; onNext: (goal: GoalDraft) => void }) {
  const [problems, setProblems] = useState<Record<string, string>>({});
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const { goal, problems } = readGoal(e.currentTarget);
        setProblems(problems);
        if (goal) props.onNext(goal);
      }}
    >
      <p>What are you training for? Stride plans backwards from race day.</p>
      <GoalFields errors={problems} initial={props.initial} timeZone={props.me.timeZone} />
      <button type="submit">Next</button>
    </form>
  );
}

function AvailabilityStep(props: { goal: GoalDraft; onDone: () => void; onBack: () => void }) {
  const create = useAction(async (form: HTMLFormElement) => {
    await request(CreatePlan, { athleteId: null, input: { ...props.goal, availability: readAvailability(form) } });
    props.onDone();
  });
  const errors = errorsOf(create.error);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void create.run(e.currentTarget);
      }}
    >
      <p>When can you train? The long run goes on its day, and nothing lands on days you never train.</p>
      <AvailabilityFields errors={errors} />
      {(errors.goalRaceDate || errors.goalDistanceMeters) && (
        <p class="field-error">
          The goal race: {errors.goalRaceDate ?? errors.goalDistanceMeters}. <button type="button" class="link" onClick={props.onBack}>Change it</button>
        </p>
      )}
      <ErrorNotice error={create.error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onBack}>
          Back
        </button>
        <button type="submit" disabled={create.busy}>
          {create.busy ? 'Building your plan…' : 'Build my plan'}
        </button>
      </div>
    </form>
  );
}

function BaselinesStep(props: { me: Account; onDone: () => void }) {
  const save = useAction(async (form: HTMLFormElement) => {
    const values = formValues(form);
    const body = readBody(values, props.me.units);
    if (body.heightCm !== undefined || body.weightKg !== undefined) await request(UpdateProfile, { input: body });
    await request(UpdateBaselines, { athleteId: null, input: readHeart(values) });
    props.onDone();
  });
  const errors = errorsOf(save.error);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save.run(e.currentTarget);
      }}
    >
      <p>These make the loads and the readiness light yours: heart-rate load needs your resting and maximum heart rate.</p>
      <BodyFields account={props.me} units={props.me.units} errors={errors} />
      <HeartFields account={props.me} errors={errors} />
      <ErrorNotice error={save.error} />
      <button type="submit" disabled={save.busy}>
        Save and continue
      </button>
    </form>
  );
}

function UnitsStep(props: { me: Account }) {
  const session = useSession();
  const [units, setUnits] = useState<Units>(props.me.units);
  const finish = useAction(async () => {
    await request(UpdateProfile, { input: { units } });
    await session.refresh();
    navigate('/');
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void finish.run();
      }}
    >
      <UnitsField value={units} onChange={setUnits} />
      <ErrorNotice error={finish.error} />
      <button type="submit" disabled={finish.busy}>
        Finish
      </button>
    </form>
  );
}
