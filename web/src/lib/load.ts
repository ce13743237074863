// How the console names load numbers. The thresholds come from the API's convention; the
// lower bands (0.8 and 1.3) are the common "sweet spot" convention for ACWR (Gabbett, 2016).

export type EwmaConvention = 'WILLIAMS' | 'COGGAN' | 'GOLDEN_CHEETAH';

export const ACWR_LOW = 0.8;
export const ACWR_SWEET_TOP = 1.3;

export type Band = 'low' | 'sweet' | 'caution' | 'high';

export function acwrBand(acwr: number | null | undefined, alert: number): Band | null {
  if (acwr === null || acwr === undefined) return null;
  if (acwr < ACWR_LOW) return 'low';
  if (acwr <= ACWR_SWEET_TOP) return 'sweet';
  if (acwr <= alert) return 'caution';
  return 'high';
}

export const BAND_WORDS: Record<Band, string> = {
  low: 'low (under 0.8: less than usual)',
  sweet: 'sweet spot (0.8–1.3)',
  caution: 'caution (above 1.3)',
  high: 'high risk (above the alert threshold)',
};

export const BAND_TAG: Record<Band, string> = { low: 'warn', sweet: 'good', caution: 'warn', high: 'bad' };

const EWMA_WORDS: Record<EwmaConvention, string> = {
  WILLIAMS: 'EWMA, λ = 2/(N+1) (Williams et al., 2017)',
  COGGAN: 'EWMA, λ = 1/N (Coggan’s ATL/CTL)',
  GOLDEN_CHEETAH: 'EWMA, λ = 1 − e^(−1/N) (GoldenCheetah)',
};

/** The fields of the API's `StatsConvention` the console names. */
export interface ConventionFields {
  ewma: EwmaConvention;
  acuteDays: number;
  chronicDays: number;
  monotonyDays: number;
  acuteLambda: number;
  chronicLambda: number;
  sdConvention: 'POPULATION' | 'SAMPLE';
  loadMetric: 'SESSION_RPE' | 'TRIMP';
  acwrAlert: number;
  monotonyAlert: number;
}

/** The convention in one sentence, as the API names it. */
export function conventionSentence(c: ConventionFields): string {
  const metric = c.loadMetric === 'TRIMP' ? 'Banister TRIMP' : 'session RPE (RPE × minutes)';
  return (
    `${EWMA_WORDS[c.ewma]}: acute ${c.acuteDays} days (λ ${c.acuteLambda.toFixed(3)}), ` +
    `chronic ${c.chronicDays} days (λ ${c.chronicLambda.toFixed(3)}); daily load from ${metric}; ` +
    `form (TSB) = chronic − acute; monotony over ${c.monotonyDays} days with the ${c.sdConvention.toLowerCase()} SD; ` +
    `alerts above ACWR ${c.acwrAlert} and monotony ${c.monotonyAlert}.`
  );
}
