// The Node API (`import { connect } from 'pm'`, by the package's own name) against a real daemon.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { connect, type LogLine, type PmClient, PmError, type ProcessInfo } from 'pm';
import { FIXTURES, fixtureApp, ROOT } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { waitFor } from '../helpers/wait-for.js';

const t = setupTempHome();

const allOnline = (infos: ProcessInfo[], count: number) =>
  infos.length === count && infos.every((info) => info.status === 'online');

async function waitForOnline(pm: PmClient, name: string, count: number): Promise<ProcessInfo[]> {
  return waitFor(
    async () => {
      const infos = (await pm.list()).filter((info) => info.name === name);
      return allOnline(infos, count) ? infos : null;
    },
    { message: `${count} online instances of ${name}` },
  );
}

test('an app definition starts, is listed and described, scales, restarts with a new pid, stops and is deleted', async () => {
  const pm = await connect({ home: t.home });
  try {
    const started = await pm.start({
      name: 'web',
      script: fixtureApp('forever.js'),
      instances: 2,
      env: { PORT: '3000' },
    });
    assert.deepEqual(started.changes, [{ app: 'web', outcome: 'created' }]);
    assert.equal(started.instances.length, 2);
    assert.deepEqual(started.warnings, []);
    await waitForOnline(pm, 'web', 2);

    const [details] = await pm.describe('web');
    assert.equal(details?.spec.env.PORT, '3000');
    assert.equal(details?.spec.cwd, process.cwd());
    assert.equal(details?.instances.length, 2);

    await pm.scale('web', 4);
    await waitForOnline(pm, 'web', 4);
    await pm.scale('web', { add: -1 });
    const three = await waitForOnline(pm, 'web', 3);

    const before = three.find((info) => info.index === 0)!.pid;
    await pm.restart('web:0');
    await waitFor(
      async () => {
        const first = (await pm.list()).find((info) => info.name === 'web' && info.index === 0);
        return first?.status === 'online' && first.pid !== before;
      },
      { message: 'web:0 online with a new pid' },
    );

    const stopped = await pm.stop('web');
    assert.equal(stopped.length, 3);
    await waitFor(async () => (await pm.list()).every((info) => info.status === 'stopped'), {
      message: 'every instance stopped',
    });
    await pm.delete('web');
    assert.deepEqual(await pm.list(), []);
  } finally {
    await pm.close();
  }
});

test('a config file starts its apps, and starting it again changes nothing', async () => {
  const pm = await connect({ home: t.home });
  try {
    const file = path.join(FIXTURES, 'configs', 'two-apps.yaml');
    const first = await pm.start(file);
    assert.deepEqual(first.changes, [
      { app: 'web', outcome: 'created' },
      { app: 'worker', outcome: 'created' },
    ]);
    assert.equal(first.instances.length, 3);
    await waitForOnline(pm, 'web', 2);
    await waitForOnline(pm, 'worker', 1);
    const again = await pm.start(file);
    assert.deepEqual(
      again.changes.map((change) => change.outcome),
      ['unchanged', 'unchanged'],
    );
  } finally {
    await pm.close();
  }
});

test('logs yields the lines of an app that prints, and leaving a followed loop ends only that stream', async () => {
  const pm = await connect({ home: t.home });
  try {
    await pm.start({ name: 'ticker', script: fixtureApp('log-ticker.js'), args: ['20'] });
    const lines: LogLine[] = [];
    for await (const line of pm.logs('ticker', { follow: true, lines: 10 })) {
      lines.push(line);
      if (lines.length === 6) break;
    }
    assert.equal(lines.length, 6);
    for (const line of lines) {
      assert.equal(line.app, 'ticker');
      assert.match(line.line, line.stream === 'out' ? /^out \d+$/ : /^err \d+$/);
    }
    const outOnly = [];
    for await (const line of pm.logs('ticker', { follow: true, streams: ['out'], lines: 0 })) {
      outOnly.push(line.stream);
      if (outOnly.length === 2) break;
    }
    assert.deepEqual(outOnly, ['out', 'out']);
    // The main connection is not the streams': it still answers.
    assert.equal((await pm.list()).length, 1);
  } finally {
    await pm.close();
  }
});

test('events: a followed stream yields a start, and close() ends a loop still waiting', async () => {
  const pm = await connect({ home: t.home });
  let seen = 0;
  let onFirst = () => {};
  const following = new Promise<void>((resolve) => {
    onFirst = resolve;
  });
  const waiting = (async () => {
    for await (const _ of pm.events({ follow: true })) {
      seen += 1;
      onFirst();
    }
  })();
  try {
    // The daemon's own start is in the log: once it is seen, the loop follows.
    await following;
    await pm.start({ name: 'web', script: fixtureApp('forever.js') });
    for await (const event of pm.events({ follow: true })) {
      if (event.type === 'started' && event.app === 'web') break;
    }
  } finally {
    await pm.close();
  }
  await waiting;
  assert.ok(seen >= 1);
});

test('a script that follows events, breaks and closes exits on its own', async () => {
  // A separate process, as a user's script: a stream or connection left open would keep it alive.
  const script = `
    import { connect } from 'pm';
    const pm = await connect();
    await pm.start({ name: 'web', script: ${JSON.stringify(fixtureApp('forever.js'))} });
    for await (const event of pm.events({ follow: true })) if (event.type === 'started') break;
    const logs = pm.logs('web', { follow: true });
    await logs.next();
    await pm.close();
    console.log('done');
  `;
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = execFile(
        process.execPath,
        ['--input-type=module', '--eval', script],
        { cwd: ROOT, env: t.env, timeout: 15_000 },
        (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
      );
    },
  );
  assert.equal(code, 0, `the script did not exit by itself:\n${stdout}\n${stderr}`);
  assert.equal(stdout.trim(), 'done');
});

test('a target that names no app rejects with a PmError coded not-found, and a closed client refuses', async () => {
  const pm = await connect({ home: t.home });
  await assert.rejects(
    pm.stop('nope'),
    (error: unknown) => error instanceof PmError && error.code === 'not-found',
  );
  await assert.rejects(
    async () => {
      for await (const _ of pm.logs('nope')) assert.fail('a line of an app that does not exist');
    },
    (error: unknown) => error instanceof PmError && error.code === 'not-found',
  );
  await assert.rejects(
    pm.start({ script: 'no-such-program-here' }),
    (error: unknown) => error instanceof PmError && error.code === 'bad-request',
  );
  await pm.close();
  await assert.rejects(
    pm.list(),
    (error: unknown) => error instanceof PmError && error.code === 'bad-request',
  );
});
