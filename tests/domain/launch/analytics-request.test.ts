import { describe, expect, it } from 'vitest';
import { AnalyticsRequestError, parseAnalyticsRequest, parseLaunchComparisonRequest, parseRankingRequest } from '../../../src/domain/launch/index.js';

function failure(parse: () => unknown): AnalyticsRequestError {
  try {
    parse();
  } catch (error) {
    if (error instanceof AnalyticsRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('analytics request parsing', () => {
  it('fills the defaults: 14 days before, 28 after, a 14-day baseline, no bucket wish', () => {
    expect(parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer' })).toEqual({ campaign: 'hsm', launch: 'primer', before: 14, after: 28, baselineDays: 14 });
  });

  it('reads numbers from query-string text', () => {
    expect(parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', before: '3', after: '7', baselineDays: '21', bucket: 'hour', locality: 'unattributed', split: 'source' })).toMatchObject({
      before: 3,
      after: 7,
      baselineDays: 21,
      bucket: 'hour',
      locality: 'unattributed',
      split: 'source',
    });
  });

  it('names the parameter that is wrong and says why', () => {
    expect(failure(() => parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', before: 'abc' }))).toMatchObject({
      parameter: 'before',
      message: 'before: is not a whole number of days from 0 to 365',
    });
    expect(failure(() => parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', bucket: 'week' })).parameter).toBe('bucket');
    expect(failure(() => parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', platform: 'facebook' })).message).toBe('platform: is not a platform: x or site');
    expect(failure(() => parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', baselineDays: 0 })).parameter).toBe('baselineDays');
    expect(failure(() => parseAnalyticsRequest({ launch: 'primer' })).message).toBe('campaign: is required');
    expect(failure(() => parseAnalyticsRequest({ campaign: 'HSM!', launch: 'primer' })).parameter).toBe('campaign');
  });

  it('refuses parameters it does not know, so a misspelling is not silently ignored', () => {
    expect(failure(() => parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', localty: 'oldham' }))).toMatchObject({ parameter: 'localty', code: 'BAD_PARAMETER' });
  });

  it('refuses a window with no days on either side', () => {
    expect(failure(() => parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', before: 0, after: 0 })).parameter).toBe('after');
  });

  it('takes compared launches as a list or comma-separated, at most ten', () => {
    expect(parseLaunchComparisonRequest({ campaign: 'hsm', launches: 'primer, report' }).launches).toEqual(['primer', 'report']);
    expect(parseLaunchComparisonRequest({ campaign: 'hsm', launches: ['primer'] }).launches).toEqual(['primer']);
    expect(failure(() => parseLaunchComparisonRequest({ campaign: 'hsm', launches: '' })).parameter).toBe('launches.0');
    expect(failure(() => parseLaunchComparisonRequest({ campaign: 'hsm', launches: Array.from({ length: 11 }, (_, i) => `l${i}`) })).parameter).toBe('launches');
  });

  it('limits rankings to 100 rows, 10 by default', () => {
    expect(parseRankingRequest({ campaign: 'hsm', launch: 'primer' }).limit).toBe(10);
    expect(failure(() => parseRankingRequest({ campaign: 'hsm', launch: 'primer', limit: 101 })).parameter).toBe('limit');
  });
});
