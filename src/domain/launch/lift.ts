import { poissonRateRatioInterval, type RateRatioInterval } from './poisson.js';

export interface LiftInput {
  /** Sum of the daily values over the baseline days before the launch. */
  baselineTotal: number;
  baselineDays: number;
  /** Sum over the part of the post-launch window that has elapsed. */
  postTotal: number;
  /** Elapsed post-launch days (fractional while the window is still running). */
  postDays: number;
  /** True for whole-number counts (posts, authors, engagement actions): they get a Poisson interval. */
  isCount: boolean;
  confidence?: number;
}

export type Lift =
  | {
      status: 'ok';
      baselineMean: number;
      postMean: number;
      /** Post-launch daily mean ÷ baseline daily mean. */
      lift: number;
      /** Null for measures that are not counts of events (reach). */
      interval: RateRatioInterval | null;
    }
  | {
      /** The baseline mean is 0, so there is nothing to divide by: no lift is claimed. */
      status: 'not-enough-baseline';
      baselineMean: number;
      postMean: number | null;
      reason: string;
    }
  | {
      /** No complete post-launch day to compare yet (postDays is 0). */
      status: 'not-started';
      baselineMean: number;
      postMean: null;
      reason: string;
    };

export function liftOf(input: LiftInput): Lift {
  const baselineMean = input.baselineDays > 0 ? input.baselineTotal / input.baselineDays : 0;
  if (!(input.postDays > 0)) {
    return { status: 'not-started', baselineMean, postMean: null, reason: 'no complete post-launch day has elapsed yet, so there is nothing to compare with the baseline' };
  }
  const postMean = input.postTotal / input.postDays;
  if (!(input.baselineDays > 0) || input.baselineTotal <= 0) {
    return {
      status: 'not-enough-baseline',
      baselineMean,
      postMean,
      reason: `nothing was recorded in the ${input.baselineDays} day(s) before the launch, so a lift would divide by zero`,
    };
  }
  const interval =
    input.isCount && Number.isInteger(input.baselineTotal) && Number.isInteger(input.postTotal) && input.postTotal >= 0
      ? poissonRateRatioInterval(input.postTotal, input.postDays, input.baselineTotal, input.baselineDays, input.confidence ?? 0.95)
      : null;
  return { status: 'ok', baselineMean, postMean, lift: postMean / baselineMean, interval };
}
