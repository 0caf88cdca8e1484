// This script runs Learning Locker's xAPI service (the npm package `xapi-statements`) as a
// child process of the test harness, so the Pelita tests can send statements to a real,
// strict LRS without MongoDB or Redis. It is started by lrs.mjs through child_process.fork
// and is not meant to be run by hand.
//
// The service reads its whole configuration from the environment when it is first
// required, so this script first starts a tiny "client info" endpoint (the service asks it
// who the caller is, passing on the request's Authorization header), puts its URL into
// LL_CLIENT_INFO_ENDPOINT, and only then requires the service. The endpoint answers 200
// with a client document for exactly one Basic credential and 404 for anything else, which
// the service turns into 401: real Basic authentication. Every server in this process is
// forced to listen on 127.0.0.1 only, and the service's real port (EXPRESS_PORT is 0, so
// the OS picks one) is reported to the parent over the IPC channel.
'use strict';

const http = require('node:http');

const username = process.env.PELITA_LRS_USERNAME;
const password = process.env.PELITA_LRS_PASSWORD;
if (!username || password === undefined || !process.send) {
  console.error('lrs-child.cjs must be started by tests/support/lrs.mjs');
  process.exit(2);
}
const expectedAuth = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');

// The client document Learning Locker's "fetch" auth repository expects (see
// xapi-statements/dist/repo/authRepo/getClient/fetch.js).
const client = {
  _id: '5f0000000000000000000001',
  title: 'Pelita tests',
  isTrusted: true,
  authority: {
    objectType: 'Agent',
    mbox: 'mailto:pelita-tests@example.org',
    name: 'Pelita tests',
  },
  lrs_id: '5f0000000000000000000002',
  organisation: '5f0000000000000000000003',
  scopes: ['all'],
};

function isRightCredential(header) {
  if (typeof header !== 'string') return false;
  const match = /^basic\s+(.+)$/i.exec(header.trim());
  return match !== null && 'Basic ' + match[1] === expectedAuth;
}

const clientInfo = http.createServer((req, res) => {
  if (isRightCredential(req.headers.authorization)) {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(client));
  } else {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: 'No client for this credential' }));
  }
});

clientInfo.listen(0, '127.0.0.1', () => {
  const { port } = clientInfo.address();
  process.env.LL_CLIENT_INFO_ENDPOINT = `http://127.0.0.1:${port}/auth/client/info`;

  // Force every later listen() (the express app) onto 127.0.0.1 and report its port.
  const originalListen = http.Server.prototype.listen;
  http.Server.prototype.listen = function listenOnLoopback(...args) {
    const server = this;
    server.once('listening', () => {
      const address = server.address();
      process.send({ type: 'listening', port: address.port, host: address.address });
    });
    if (args.length > 0 && typeof args[0] === 'object' && args[0] !== null) {
      return originalListen.call(server, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
    }
    const callback = args.find((a) => typeof a === 'function');
    const port = args.length > 0 && typeof args[0] !== 'function' ? args[0] : 0;
    return callback
      ? originalListen.call(server, port, '127.0.0.1', callback)
      : originalListen.call(server, port, '127.0.0.1');
  };

  // The service's config calls dotenv at require time; cwd is a fresh temp dir (set by
  // lrs.mjs), so no stray .env file can change the configuration.
  require('xapi-statements/dist/server');
});

// Exit with the parent: when the test process dies, the IPC channel closes.
process.on('disconnect', () => process.exit(0));
