// The goal race and weekly availability behind `createPlan` (onboarding and the plan page).
import { useState } from 'preact/hooks';
import { graphql } from '../gql';
import type { AvailabilityInput, PlanCreateInput } from '../gql/graphql';
import type { ApiError } from '../lib/api';
import { addDays, todayIn } from '../lib/format';
import { Input, Select, num } from './ui';

export const CreatePlan = graphql(`
  mutation CreatePlan($athleteId: ID, $input: PlanCreateInput!) {
    createPlan(athleteId: $athleteId, input: $input) {
      id
      version
      name
    }
  }
`);

export const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Day = (typeof DAYS)[number];
export const DAY_WORDS: Record<Day, string> = {
  MONDAY: 'Monday',
  TUESDAY: 'Tuesday',
  WEDNESDAY: 'Wednesday',
  THURSDAY: 'Thursday',
  FRIDAY: 'Friday',
  SATURDAY: 'Saturday',
  SUNDAY: 'Sunday',
};

const DISTANCES: [string, string][] = [
  ['5000', '5 km'],
  ['10000', '10 km'],
  ['21097.5', 'Half marathon (21.1 km)'],
  ['42195', 'Marathon (42.2 km)'],
  ['other', 'Another distance'],
];

export interface GoalDraft {
  goalRaceName?: string;
  goalRaceDate: string;
  goalDistanceMeters: number;
}

/** Reads the goal fields; returns problems by field when something is missing. */
export function readGoal(form: HTMLFormElement): { goal?: GoalDraft; problems: Record<string, string> } {
  const data = new FormData(form);
  const problems: Record<string, string> = {};
  const name = String(data.get('goalRaceName') ?? '').trim();
  const date = String(data.get('goalRaceDate') ?? '');
  const choice = String(data.get('distance') ?? '');
  const meters = choice === 'other' ? (num(String(data.get('otherKm') ?? '')) ?? 0) * 1000 : Number(choice);
  if (!date) problems.goalRaceDate = 'Choose the race day.';
  if (!(meters > 0)) problems.goalDistanceMeters = 'Give the race distance.';
  if (Object.keys(problems).length) return { problems };
  return { goal: { goalRaceName: name || undefined, goalRaceDate: date, goalDistanceMeters: meters }, problems };
}

export function GoalFields(props: { errors: Record<string, string>; initial?: GoalDraft | null; timeZone: string }) {
  const initialChoice = props.initial ? (DISTANCES.find(([v]) => Number(v) === props.initial!.goalDistanceMeters)?.[0] ?? 'other') : '21097.5';
  const [choice, setChoice] = useState(initialChoice);
  const today = todayIn(props.timeZone);
  return (
    <>
      <Input label="Race name" name="goalRaceName" defaultValue={props.initial?.goalRaceName ?? ''} hint="For example “Spring Half”. Optional." error={props.errors.goalRaceName} />
      <Input label="Race day" name="goalRaceDate" type="date" min={addDays(today, 14)} defaultValue={props.initial?.goalRaceDate ?? ''} required error={props.errors.goalRaceDate} />
      <Select label="Distance" name="distance" options={DISTANCES} value={choice} onChange={(e) => setChoice(e.currentTarget.value)} error={choice === 'other' ? undefined : props.errors.goalDistanceMeters} />
      {choice === 'other' && (
        <Input
          label="Distance in km"
          name="otherKm"
          type="number"
          min="1"
          step="0.1"
          inputMode="decimal"
          defaultValue={props.initial && initialChoice === 'other' ? String(props.initial.goalDistanceMeters / 1000) : ''}
          error={props.errors.goalDistanceMeters}
        />
      )}
    </>
  );
}

export function readAvailability(form: HTMLFormElement): AvailabilityInput {
  const data = new FormData(form);
  return {
    daysPerWeek: Number(data.get('daysPerWeek') ?? 5),
    longRunDay: String(data.get('longRunDay') ?? 'SUNDAY') as Day,
    unavailableWeekdays: data.getAll('unavailableWeekdays').map(String) as Day[],
  };
}

export function AvailabilityFields(props: { errors: Record<string, string>; initial?: Partial<AvailabilityInput> }) {
  return (
    <>
      <Select
        label="Run days per week"
        name="daysPerWeek"
        defaultValue={String(props.initial?.daysPerWeek ?? 5)}
        options={['3', '4', '5', '6', '7'].map((n) => [n, n] as const)}
        error={props.errors.daysPerWeek}
      />
      <Select label="Long-run day" name="longRunDay" defaultValue={props.initial?.longRunDay ?? 'SUNDAY'} options={DAYS.map((d) => [d, DAY_WORDS[d]] as const)} error={props.errors.longRunDay} />
      <fieldset class="inline">
        <legend>Days you never train</legend>
        {DAYS.map((d) => (
          <div class="check" key={d}>
            <input type="checkbox" id={`unavailable-${d}`} name="unavailableWeekdays" value={d} defaultChecked={props.initial?.unavailableWeekdays?.includes(d) ?? false} />
            <label for={`unavailable-${d}`}>{DAY_WORDS[d]}</label>
          </div>
        ))}
        {props.errors.unavailableWeekdays && <p class="field-error">{props.errors.unavailableWeekdays}</p>}
      </fieldset>
    </>
  );
}

export function planInput(goal: GoalDraft, availability: AvailabilityInput): PlanCreateInput {
  return { ...goal, availability };
}

export function errorsOf(error: ApiError | undefined): Record<string, string> {
  return error?.byField ?? {};
}
