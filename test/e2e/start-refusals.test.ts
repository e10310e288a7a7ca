// Careless input to `pm start`: each mistake is refused with one line that says what is wrong and
// exit 1, and nothing is defined (no daemon is even started for a bad option).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureApp, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { processesOf } from '../helpers/temp-home.js';

const t = setupTempHome();

test('option values a config file refuses are refused on the command line, in the same words', async () => {
  const script = fixtureApp('forever.js');
  const cases: Array<[string[], RegExp]> = [
    [['--max-memory', '1'], /--max-memory.*expected a size of at least 1M/],
    [['--health-cmd', 'true', '--health-interval', '1ms'], /--health-interval.*at least 100ms/],
    [['--health-cmd', 'true', '--health-timeout', '10ms'], /--health-timeout.*at least 100ms/],
    [['--health-http', 'file:///etc/passwd'], /--health-http.*an http:\/\/ or https:\/\/ URL/],
    [['--health-http', 'not a url'], /--health-http.*an http:\/\/ or https:\/\/ URL/],
    [['-e', 'A B=1'], /--env.*found the name "A B", expected a name of letters/],
    [['-e', '1X=1'], /--env.*found the name "1X"/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(['start', script, ...args], t.env)));
  for (const [i, [args, message]] of cases.entries()) {
    const result = results[i]!;
    assert.equal(result.code, 1, `${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  assert.deepEqual(processesOf(t.home), []);
});
