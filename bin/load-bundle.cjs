// Runs a built bundle (dist/pm.cjs, dist/pm-daemon.cjs) with a V8 code cache, the way Node 22's
// module.enableCompileCache() would: compiling the bundle is a tenth of a `pm list`, and the cache
// turns it into a read. The first run after a build writes the cache under dist/cache/; a cache
// that V8 rejects (another node, other flags) is rewritten, and a read-only install runs uncached.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/** FNV-1a: a cache-file key for node's flags, without loading node:crypto. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

/** The cache of this bundle file, this node and these flags; a rebuild changes size or mtime. */
function cachePath(file, stat) {
  const flags = hash(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`);
  const key = `${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}-${flags}`;
  return path.join(path.dirname(file), 'cache', `${path.basename(file)}-${key}.bin`);
}

function writeCache(script, file) {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, file);
  } catch {
    // A read-only install or a full disk: run uncached, and leave no partial file behind.
    if (fs.existsSync(temp)) fs.rmSync(temp);
  }
}

/**
 * Load `file` like require() would, with a code cache. The cache is written at exit, or
 * `cacheAfterMs` after start for a process that runs for days (the daemon).
 */
function loadBundle(file, { cacheAfterMs } = {}) {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = cachePath(file, fs.statSync(file));
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // Without importModuleDynamically: import() would need --experimental-vm-modules, so the bundles
  // are built without it (esbuild --supported:dynamic-import=false) and ESM goes through import-esm.cjs.
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    if (cacheAfterMs === undefined) process.once('exit', () => writeCache(script, cacheFile));
    else setTimeout(() => writeCache(script, cacheFile), cacheAfterMs).unref();
  }
  const bundle = new Module(file, module);
  bundle.filename = file;
  bundle.paths = Module._nodeModulePaths(path.dirname(file));
  const run = script.runInThisContext();
  run.call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, path.dirname(file));
  return bundle.exports;
}

module.exports = { loadBundle };

// `node bin/load-bundle.cjs <bundle>`: how the CLI starts the daemon.
if (require.main === module) loadBundle(path.resolve(process.argv[2]), { cacheAfterMs: 3000 });
