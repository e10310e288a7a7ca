// The ps table parser on literal output of the three dialects (procps-ng, macOS, FreeBSD), all read
// with LC_ALL=C and TZ=UTC: lstart is seconds since the epoch, the state is stat's first letter, RSS
// is in bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLstart, parsePsTable } from '../../../../src/proc/portable/ps-table.js';
import { isAlive } from '../../../../src/proc/proc-table.js';

test('lstart is read by hand as UTC seconds, with a day of one digit or two', () => {
  assert.equal(parseLstart('Mon Dec  7 18:32:31 2026'), 1_796_668_351);
  assert.equal(parseLstart('Fri Jan  1 00:00:00 2027'), 1_798_761_600);
  assert.equal(parseLstart('Sat Feb 28 23:59:59 2026'), 1_772_323_199);
  assert.equal(parseLstart('Mon Foo  7 18:32:31 2026'), null, 'an unknown month');
  assert.equal(parseLstart('lun. 7 déc. 2026 18:32:31'), null, 'a localized date');
});

const dialects: Record<string, string> = {
  procps: [
    '    1     0     0 S<Ll  11520 Mon Dec  7 10:46:48 2026',
    '  412     1   412 Ss   5120   Mon Dec  7 10:47:02 2026',
    ' 5171   412  5171 S+   2048   Tue Dec 15 09:05:59 2026',
    ' 5172  5171  5171 Z+      0   Tue Dec 15 09:06:00 2026',
  ].join('\n'),
  macos: [
    '    1     0     1 Ss  11520   Mon Dec  7 10:46:48 2026',
    '  412     1   412 Ss   5120   Mon Dec  7 10:47:02 2026',
    ' 5171   412  5171 S+   2048   Tue Dec 15 09:05:59 2026',
    ' 5172  5171  5171 Z+      0   Tue Dec 15 09:06:00 2026',
  ].join('\n'),
  freebsd: [
    '    1     0     1 ILs  11520  Mon Dec  7 10:46:48 2026',
    '  412     1   412 Ss   5120   Mon Dec  7 10:47:02 2026',
    ' 5171   412  5171 I+   2048   Tue Dec 15 09:05:59 2026',
    ' 5172  5171  5171 Z+      0   Tue Dec 15 09:06:00 2026',
  ].join('\n'),
};

for (const [dialect, output] of Object.entries(dialects)) {
  test(`a ${dialect} table gives each process its parent, group, state and start time`, () => {
    const table = parsePsTable(`${output}\n`);
    assert.deepEqual([...table.keys()], [1, 412, 5171, 5172]);
    assert.deepEqual(table.get(5172), {
      pid: 5172,
      ppid: 5171,
      pgrp: 5171,
      session: 0,
      state: 'Z',
      startTime: 1_797_325_560,
      cpuTicks: -1,
      rssPages: 0,
    });
    assert.equal(table.get(412)!.startTime, 1_796_640_422);
    assert.equal(table.get(5171)!.rssPages, 2048 * 1024, 'RSS in bytes (ps prints KiB)');
    assert.equal(isAlive(table.get(5172)), false, 'a zombie is not alive');
    assert.equal(isAlive(table.get(5171)), true);
  });
}

test('a line that is not a process (a header, a blank, a cut line) is skipped', () => {
  const table = parsePsTable(
    [
      '  PID  PPID  PGID STAT    RSS STARTED',
      '',
      '  77     1    77 Ss    100   Mon Dec',
      '  78     1    78 S    640    Mon Dec  7 10:47:02 2026',
    ].join('\n'),
  );
  assert.deepEqual([...table.keys()], [78]);
});
