// The "database" of the workflow example: a TCP server that takes a while to come up (DB_DELAY_MS),
// as a real one replaying its journal would. Its health probe (tcp) passes once it listens.
const net = require('node:net');
const { note } = require('./note.js');

const port = Number(process.env.DB_PORT ?? 5499);
setTimeout(() => {
  net
    .createServer((socket) => {
      socket.on('error', () => {}); // a health probe hangs up at once: not the database's problem
      socket.end('ok\n');
    })
    .listen(port, '127.0.0.1', () => note(`db listening on ${port}`));
}, Number(process.env.DB_DELAY_MS ?? 1000));
process.on('SIGTERM', () => {
  note('db stopped');
  process.exit(0);
});
