// Profile, baselines and units forms, shared by the onboarding wizard and the profile pages.
import { graphql } from '../gql';
import type { AccountQuery, Sex, Units } from '../gql/graphql';
import { fromKg, toKg, weightUnit } from '../lib/format';
import { Input, Radios, Select, int, num } from './ui';

export const AccountQueryDoc = graphql(`
  query Account {
    me {
      id
      email
      displayName
      role
      timeZone
      units
      createdAt
      profile {
        birthDate
        sex
        weightKg
        heightCm
        notifications {
          proposals
          riskAlerts
          weeklySummary
        }
      }
      baselines {
        restingHeartRate
        hrvMs
        hrvKind
        maxHeartRate
        thresholdHeartRate
      }
    }
  }
`);

export const UpdateProfile = graphql(`
  mutation UpdateProfile($input: ProfileInput!) {
    updateProfile(input: $input) {
      id
      displayName
      units
      timeZone
    }
  }
`);

export const UpdateBaselines = graphql(`
  mutation UpdateBaselines($athleteId: ID, $input: BaselinesInput!) {
    updateBaselines(athleteId: $athleteId, input: $input) {
      restingHeartRate
      maxHeartRate
    }
  }
`);

export type Account = AccountQuery['me'];

export function BodyFields(props: { account: Account; units: Units; errors: Record<string, string> }) {
  const { profile } = props.account;
  const imperial = props.units === 'IMPERIAL';
  return (
    <div class="row">
      <Input
        label={imperial ? 'Height (in)' : 'Height (cm)'}
        name="height"
        type="number"
        step={imperial ? '0.5' : '1'}
        inputMode="decimal"
        defaultValue={profile.heightCm ? String(imperial ? Math.round((profile.heightCm / 2.54) * 2) / 2 : profile.heightCm) : ''}
        error={props.errors.heightCm}
      />
      <Input
        label={`Weight (${weightUnit(props.units)})`}
        name="weight"
        type="number"
        step="0.1"
        inputMode="decimal"
        defaultValue={profile.weightKg ? String(fromKg(profile.weightKg, props.units)) : ''}
        error={props.errors.weightKg}
      />
    </div>
  );
}

export function readBody(values: Record<string, string>, units: Units): { heightCm?: number; weightKg?: number } {
  const h = num(values.height);
  const w = num(values.weight);
  return {
    heightCm: h === undefined ? undefined : Math.round((units === 'IMPERIAL' ? h * 2.54 : h) * 10) / 10,
    weightKg: w === undefined ? undefined : Math.round(toKg(w, units) * 10) / 10,
  };
}

export function HeartFields(props: { account: Account; errors: Record<string, string>; full?: boolean }) {
  const b = props.account.baselines;
  return (
    <>
      <div class="row">
        <Input
          label="Resting heart rate (bpm)"
          name="restingHeartRate"
          type="number"
          inputMode="numeric"
          defaultValue={b.restingHeartRate ? String(b.restingHeartRate) : ''}
          hint="First thing in the morning, lying still."
          error={props.errors.restingHeartRate}
        />
        <Input
          label="Maximum heart rate (bpm)"
          name="maxHeartRate"
          type="number"
          inputMode="numeric"
          defaultValue={b.maxHeartRate ? String(b.maxHeartRate) : ''}
          hint="The highest you have seen in a hard effort."
          error={props.errors.maxHeartRate}
        />
      </div>
      {props.full && (
        <div class="row">
          <Input
            label="Threshold heart rate (bpm)"
            name="thresholdHeartRate"
            type="number"
            inputMode="numeric"
            defaultValue={b.thresholdHeartRate ? String(b.thresholdHeartRate) : ''}
            error={props.errors.thresholdHeartRate}
          />
          <Input label="HRV baseline (ms)" name="hrvMs" type="number" step="0.1" inputMode="decimal" defaultValue={b.hrvMs ? String(b.hrvMs) : ''} error={props.errors.hrvMs} />
          <Select label="HRV kind" name="hrvKind" defaultValue={b.hrvKind ?? 'RMSSD'} options={[['RMSSD', 'rMSSD'], ['SDNN', 'SDNN']]} error={props.errors.hrvKind} />
        </div>
      )}
    </>
  );
}

export function readHeart(values: Record<string, string>, full = false) {
  return {
    restingHeartRate: int(values.restingHeartRate) ?? null,
    maxHeartRate: int(values.maxHeartRate) ?? null,
    ...(full
      ? {
          thresholdHeartRate: int(values.thresholdHeartRate) ?? null,
          hrvMs: num(values.hrvMs) ?? null,
          hrvKind: values.hrvMs ? ((values.hrvKind ?? 'RMSSD') as 'RMSSD' | 'SDNN') : null,
        }
      : {}),
  };
}

export const UNIT_OPTIONS: [Units, string][] = [
  ['METRIC', 'Metric: kilometres, kilograms, metres'],
  ['IMPERIAL', 'Imperial: miles, pounds, feet'],
];

export function UnitsField(props: { value: Units; onChange?: (u: Units) => void }) {
  return <Radios legend="Units" name="units" options={UNIT_OPTIONS} defaultValue={props.value} onChange={(v) => props.onChange?.(v as Units)} />;
}

export const SEX_OPTIONS: [string, string][] = [
  ['', 'Not given'],
  ['FEMALE', 'Female'],
  ['MALE', 'Male'],
];

export function sexOf(value: string | undefined): Sex | null {
  return value === 'FEMALE' || value === 'MALE' ? value : null;
}
