import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cron } from 'croner';
import { cronToCalendar } from '../../../../src/export/systemd/cron-to-calendar.js';
import { noSystemdAnalyze, systemdElapses } from './verify-units.js';

const CONVERTED: [cron: string, calendars: string[]][] = [
  ['0 3 * * *', ['*-*-* 03:00:00']],
  ['*/15 * * * *', ['*-*-* *:00/15:00']],
  ['5-59/20 * * * *', ['*-*-* *:05..59/20:00']],
  ['0 9-17 * * 1-5', ['Mon..Fri *-*-* 09..17:00:00']],
  ['0 9-17/2 * * *', ['*-*-* 09..17/2:00:00']],
  ['30 4 1,15 * *', ['*-*-01,15 04:30:00']],
  ['0 0 * JAN,jul *', ['*-01,07-* 00:00:00']],
  ['0 4 * * 0', ['Sun *-*-* 04:00:00']],
  ['0 4 * * 7', ['Sun *-*-* 04:00:00']],
  ['0 4 * * SAT,SUN', ['Sun,Sat *-*-* 04:00:00']],
  ['0 4 * * */2', ['Sun,Tue,Thu,Sat *-*-* 04:00:00']],
  ['*/10 * * * * *', ['*-*-* *:*:00/10']],
  ['0 0 12 L * *', ['*-*~01 12:00:00']],
  ['0 0 ? * MON', ['Mon *-*-* 00:00:00']],
  // Both day fields set: cron runs when either matches, systemd when every part does, so two lines.
  ['0 6 1 * 1', ['*-*-01 06:00:00', 'Mon *-*-* 06:00:00']],
];

for (const [cron, calendars] of CONVERTED) {
  test(`cron "${cron}" is OnCalendar=${calendars.join(' + ')}`, () => {
    assert.deepEqual(cronToCalendar(cron), { calendars });
  });
}

test('a time zone is appended to every expression', () => {
  assert.deepEqual(cronToCalendar('0 6 1 * 1', 'Europe/Paris'), {
    calendars: ['*-*-01 06:00:00 Europe/Paris', 'Mon *-*-* 06:00:00 Europe/Paris'],
  });
});

for (const [cron, why] of [
  ['0 0 LW * *', /W, #, L on a weekday/],
  ['0 0 * * 5#2', /W, #, L on a weekday/],
  ['0 0 * * 5L', /W, #, L on a weekday/],
  ['0 22-2 * * *', /wraps around/],
  ['0 0 * *', /found 4 fields/],
] as const) {
  test(`cron "${cron}" is refused with the reason`, () => {
    const result = cronToCalendar(cron);
    assert.ok('problem' in result, JSON.stringify(result));
    assert.match(result.problem, why);
  });
}

// The strongest check: systemd's next elapses are croner's next runs (what pm's scheduler uses).
test('systemd elapses where croner runs', { skip: noSystemdAnalyze }, () => {
  for (const [cron] of CONVERTED) {
    const { calendars } = cronToCalendar(cron, 'UTC') as { calendars: string[] };
    const compare = () => {
      const expected = new Cron(cron, { paused: true, timezone: 'UTC' })
        .nextRuns(5)
        .map((at) => at.getTime());
      const actual = [...new Set(calendars.flatMap((at) => systemdElapses(at, 5)))].sort((a, b) => a - b);
      return { expected, actual: actual.slice(0, 5) };
    };
    let { expected, actual } = compare();
    // A second boundary may pass between the two computations: compare once more.
    if (expected.join() !== actual.join()) ({ expected, actual } = compare());
    assert.deepEqual(
      actual.map((t) => new Date(t).toISOString()),
      expected.map((t) => new Date(t).toISOString()),
      cron,
    );
  }
});
