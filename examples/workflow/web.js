// The web app of the workflow example: started only once the migration completed successfully.
const http = require('node:http');
const { note } = require('./note.js');

const port = Number(process.env.WEB_PORT ?? 3199);
const server = http.createServer((_request, response) => response.end('hello from web\n'));
server.listen(port, '127.0.0.1', () => note(`web listening on ${port}`));
process.on('SIGTERM', () => {
  note('web stopped');
  server.close(() => process.exit(0));
});
