import { DURATION_FORMS, formatDuration, parseDuration, tryParseDuration } from '../../src/spec/duration';
import { tryParseSchedule } from '../../src/spec/schedule';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['5m', 300],
    ['1h', 3_600],
    ['35d', 3_024_000],
    ['7y', 7 * 365 * 86_400],
    ['1s', 1],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['0', '0s', '0d', '-5m', '5', 'm', '5 m', '5min', '1.5h', '1w', '01h', ' 5m', '5m ', '5M', '', '1e3s'])(
    'rejects %j naming the accepted forms',
    (text) => {
      expect(() => parseDuration(text)).toThrow(DURATION_FORMS);
    },
  );

  it('rejects values that are not strings', () => {
    expect(tryParseDuration(300)).toEqual({ error: `expected a duration string: ${DURATION_FORMS}` });
  });

  it('rejects durations longer than 1000 years', () => {
    expect(tryParseDuration('1001y')).toEqual({ error: 'duration "1001y" is longer than 1000y' });
  });
});

describe('formatDuration', () => {
  it.each([
    [90, '90s'],
    [60, '1m'],
    [300, '5m'],
    [3_600, '1h'],
    [5_400, '90m'],
    [86_400, '1d'],
    [35 * 86_400, '35d'],
    [365 * 86_400, '1y'],
    [366 * 86_400, '366d'],
  ])('%i seconds is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('round-trips to the canonical form', () => {
    for (const text of ['90s', '5m', '1h', '35d', '7y', '61s', '25h']) {
      expect(parseDuration(formatDuration(parseDuration(text)))).toBe(parseDuration(text));
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %p', (seconds) => {
    expect(() => formatDuration(seconds)).toThrow('positive whole number of seconds');
  });
});

describe('verification schedules', () => {
  it.each([
    ['1d', 'rate(1 day)', 86_400],
    ['12h', 'rate(12 hours)', 43_200],
    ['90m', 'rate(90 minutes)', 5_400],
    ['rate(1 hour)', 'rate(1 hour)', 3_600],
    ['rate(2 days)', 'rate(2 days)', 172_800],
    ['cron(0 4 * * ? *)', 'cron(0 4 * * ? *)', 86_400],
    ['cron(0 * * * ? *)', 'cron(0 * * * ? *)', 3_600],
  ])('%s runs as %s with at most %i s between runs', (text, expression, intervalSeconds) => {
    expect(tryParseSchedule(text)).toEqual({ expression, intervalSeconds });
  });

  it.each([
    ['30m', 'more often than every 1h'],
    ['rate(30 minutes)', 'more often than every 1h'],
    ['4d', 'more than 3d between runs'],
    ['cron(0 4 ? * MON *)', 'more than 3d between runs'],
    ['rate(1 hours)', 'singular unit'],
    ['rate(2 day)', 'singular unit'],
    ['cron(0 4 * *)', 'needs 6 fields'],
    ['cron(0 4 1 * MON *)', 'needs ? in day-of-month or day-of-week'],
    ['90s', 'whole minutes'],
    ['daily', 'expected rate(N minutes|hours|days)'],
  ])('rejects %s', (text, message) => {
    const result = tryParseSchedule(text);
    expect('error' in result && result.error).toContain(message);
  });
});
