// A tiny HTTP server for trying pm: `npx pm start examples/hello-server.js -i 2`.
// Each instance listens on PORT + its instance index (PM_INSTANCE).
const http = require('node:http');

const port = Number(process.env.PORT ?? 3000) + Number(process.env.PM_INSTANCE ?? 0);
http
  .createServer((req, res) => {
    res.end(req.url === '/health' ? 'ok\n' : `hello from ${process.pid}\n`);
  })
  .listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));
