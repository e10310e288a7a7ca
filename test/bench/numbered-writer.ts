// The app of the log-loss bench: numbered lines of exactly 100 bytes ("seq=000000042 xxx…") on
// stdout, at argv[2] lines per second (0: as fast as the pipe takes them). With argv[3] > 0 the
// output goes out in blocks of that many bytes cut anywhere, as a block-buffered app (Python's
// stdout on a pipe) writes it; otherwise one write per line, or 64 lines per write at full speed.
// It always waits for a full pipe to drain, so it never buffers without bound while no daemon reads.
const LINE_BYTES = 100;

const linesPerSecond = Number(process.argv[2] ?? 0);
const blockBytes = Number(process.argv[3] ?? 0);
const FULL_SPEED_LINES_PER_WRITE = 64;

let next = 0;
let pending = '';
let waiting = false;

function line(n: number): string {
  const head = `seq=${String(n).padStart(9, '0')} `;
  return `${head}${'x'.repeat(LINE_BYTES - 1 - head.length)}\n`;
}

function write(text: string): void {
  if (!process.stdout.write(text)) {
    waiting = true;
    process.stdout.once('drain', () => {
      waiting = false;
    });
  }
}

/** Writes what is due by now, in the app's write pattern. */
function flushDue(due: number): void {
  while (next < due) pending += line(next++);
  if (blockBytes > 0) {
    const whole = pending.length - (pending.length % blockBytes);
    if (whole === 0) return;
    write(pending.slice(0, whole));
    pending = pending.slice(whole);
    return;
  }
  write(pending);
  pending = '';
}

function fullSpeed(): void {
  for (;;) {
    let block = '';
    for (let i = 0; i < FULL_SPEED_LINES_PER_WRITE; i++) block += line(next++);
    if (!process.stdout.write(block)) return void process.stdout.once('drain', fullSpeed);
  }
}

if (linesPerSecond <= 0) fullSpeed();
else {
  const startedMs = performance.now();
  const tickMs = Math.min(10, 1000 / linesPerSecond);
  setInterval(() => {
    if (!waiting) flushDue(Math.floor(((performance.now() - startedMs) * linesPerSecond) / 1000));
  }, tickMs);
}
