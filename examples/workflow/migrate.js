// The migration of the workflow example: a task. It talks to the database once (which must be up:
// it runs only once db is healthy), "migrates", and exits 0, or MIGRATE_EXIT to show a failure.
const net = require('node:net');
const { note } = require('./note.js');

const socket = net.connect(Number(process.env.DB_PORT ?? 5499), '127.0.0.1');
socket.on('error', (error) => {
  note(`migrate could not reach db: ${error.message}`);
  process.exit(2);
});
socket.on('data', () => {
  socket.destroy();
  const code = Number(process.env.MIGRATE_EXIT ?? 0);
  note(code === 0 ? 'migrate done' : `migrate failed with ${code}`);
  process.exit(code);
});
