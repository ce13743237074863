// Numbers, units and dates as people read them. Storage and the API are metric; `Units` is
// the viewer's display preference.
import type { Units } from '../gql/graphql';

export const DASH = '—';

export function fixed(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : value.toFixed(digits);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return DASH;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(rest).padStart(2, '0')}` : `${m}:${String(rest).padStart(2, '0')}`;
}

export function minutes(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? DASH : `${Math.round(seconds / 60)} min`;
}

const KM_PER_MI = 1.609344;

export function distance(meters: number | null | undefined, units: Units): string {
  if (meters === null || meters === undefined) return DASH;
  return units === 'IMPERIAL' ? `${(meters / 1000 / KM_PER_MI).toFixed(2)} mi` : `${(meters / 1000).toFixed(2)} km`;
}

export function distanceUnit(units: Units): string {
  return units === 'IMPERIAL' ? 'mi' : 'km';
}

/** Display-unit distance (km or mi) → metres. */
export function toMeters(value: number, units: Units): number {
  return units === 'IMPERIAL' ? value * KM_PER_MI * 1000 : value * 1000;
}

export function elevation(meters: number | null | undefined, units: Units): string {
  if (meters === null || meters === undefined) return DASH;
  return units === 'IMPERIAL' ? `${Math.round(meters * 3.28084)} ft` : `${Math.round(meters)} m`;
}

export function elevationValue(meters: number, units: Units): number {
  return units === 'IMPERIAL' ? meters * 3.28084 : meters;
}

export function weight(kg: number | null | undefined, units: Units): string {
  if (kg === null || kg === undefined) return DASH;
  return units === 'IMPERIAL' ? `${(kg * 2.20462).toFixed(1)} lb` : `${kg.toFixed(1)} kg`;
}

export function weightUnit(units: Units): string {
  return units === 'IMPERIAL' ? 'lb' : 'kg';
}

export function toKg(value: number, units: Units): number {
  return units === 'IMPERIAL' ? value / 2.20462 : value;
}

export function fromKg(kg: number, units: Units): number {
  return units === 'IMPERIAL' ? Math.round(kg * 2.20462 * 10) / 10 : kg;
}

export function height(cm: number | null | undefined, units: Units): string {
  if (cm === null || cm === undefined) return DASH;
  if (units === 'IMPERIAL') {
    const inches = Math.round(cm / 2.54);
    return `${Math.floor(inches / 12)} ft ${inches % 12} in`;
  }
  return `${Math.round(cm)} cm`;
}

/** Seconds per km (or mile) for a speed in m/s; null when standing still. */
export function paceSeconds(mps: number, units: Units): number | null {
  if (!(mps > 0.3)) return null;
  return (units === 'IMPERIAL' ? KM_PER_MI * 1000 : 1000) / mps;
}

export function pace(secondsPerUnit: number | null | undefined, units: Units): string {
  if (secondsPerUnit === null || secondsPerUnit === undefined) return DASH;
  const s = Math.round(secondsPerUnit);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} /${distanceUnit(units)}`;
}

export function averagePace(meters: number | null | undefined, seconds: number, units: Units): string {
  if (!meters) return DASH;
  return pace(paceSeconds(meters / seconds, units), units);
}

// ---- dates -------------------------------------------------------------------------------

/** Today's calendar day (YYYY-MM-DD) in an IANA time zone. */
export function todayIn(timeZone: string): string {
  try {
    const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')}`;
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

export function addDays(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function weekday(day: string): string {
  return WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]!;
}

/** "Wed 2 Dec 2026" */
export function longDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "2 Dec" */
export function shortDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** An instant in the viewer's browser time: "2 Dec 2026, 06:30". */
export function instant(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${hh}:${mm}`;
}

/** Words for an API enum value: `LONG_RUN` → "Long run". */
export function words(value: string | null | undefined): string {
  if (!value) return DASH;
  const text = value.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const SIGNAL_WORDS: Record<string, string> = {
  HRV: 'Heart-rate variability',
  RESTING_HR: 'Resting heart rate',
  SLEEP: 'Sleep',
  SORENESS: 'Soreness',
  STRESS: 'Stress',
  RECENT_RPE: 'Recent effort (RPE)',
  MOOD: 'Mood',
};

/** A readiness signal in words (`HRV` → “Heart-rate variability”). */
export function signalWords(signal: string): string {
  return SIGNAL_WORDS[signal] ?? words(signal);
}
