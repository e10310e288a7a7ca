// A queue worker for the examples: takes a "job" every second, finishes the current one on SIGTERM.
let busy = false;
let stopping = false;
const timer = setInterval(() => {
  busy = true;
  console.log(`worker ${process.env.PM_INSTANCE ?? 0} (pid ${process.pid}) took a job from ${process.env.QUEUE}`);
  setTimeout(() => {
    busy = false;
    if (stopping) process.exit(0);
  }, 300);
}, 1000);
process.on('SIGTERM', () => {
  stopping = true;
  clearInterval(timer);
  if (!busy) process.exit(0);
});
