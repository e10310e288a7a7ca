import { loadConfig } from './load-config.js';

for (const f of process.argv.slice(2)) {
  try {
    console.log(JSON.stringify(loadConfig(f, { baseEnv: {} }), null, 1).slice(0, 3000));
  } catch (e) {
    console.log((e as Error).message);
  }
}
