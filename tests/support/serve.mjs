// This module is a small static file server (node:http only) for the built Pelita player,
// used by the end-to-end tests and by the project's run command. It serves a dist folder
// on 127.0.0.1 with correct content types, picks a precompressed `X.br` or `X.gz` file when
// the browser accepts that encoding, never serves anything outside the root folder, and
// sends cache headers that match how the player is deployed: index.html and unhashed
// files are revalidated on every load, files with a content hash in their name are
// cached forever.
//
// As a script: `node tests/support/serve.mjs <root> [port]` (port 8765 by default).

import http from 'node:http';
import { createReadStream } from 'node:fs';
import { stat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.vtt': 'text/vtt; charset=utf-8',
  '.zip': 'application/zip',
};

// A content hash in a file name, as trunk and our build write it:
// "pelita-player-0123456789abcdef.js", "pelita-player-0123456789abcdef_bg.wasm",
// "style-0123456789abcdef.css".
const HASHED_NAME = /-[0-9a-f]{16}(?:_bg)?\.[a-z0-9]+$/i;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

/** The content type for a file name (by extension). */
export function contentTypeFor(name) {
  return CONTENT_TYPES[path.extname(name).toLowerCase()] || 'application/octet-stream';
}

/** The Cache-Control value for a file name. */
export function cacheControlFor(name) {
  const base = path.basename(name);
  if (base === 'index.html') return NO_CACHE;
  return HASHED_NAME.test(base) ? IMMUTABLE : NO_CACHE;
}

/** Which of br / gzip the Accept-Encoding header allows (q=0 means refused). */
function acceptedEncodings(header) {
  const accepted = new Set();
  const refused = new Set();
  for (const part of String(header || '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    (weight > 0 ? accepted : refused).add(token);
  }
  const allows = (name) => accepted.has(name) || (accepted.has('*') && !refused.has(name));
  return { br: allows('br'), gzip: allows('gzip') || allows('x-gzip') };
}

async function fileStat(file) {
  try {
    const s = await stat(file);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

function sendText(res, status, text, extraHeaders = {}) {
  const body = Buffer.from(text + '\n');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extraHeaders,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * Starts serving `root`. Resolves to { url, port, close() } once listening.
 */
export async function serveStatic({ root, port = 0, host = '127.0.0.1' }) {
  if (!root) throw new Error('serveStatic: root is required');
  const rootDir = await realpath(path.resolve(root));
  const rootPrefix = rootDir.endsWith(path.sep) ? rootDir : rootDir + path.sep;
  const inside = (p) => p === rootDir || p.startsWith(rootPrefix);

  async function handle(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    }
    const rawPath = (req.url || '/').split('?')[0].split('#')[0];
    let decoded;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return sendText(res, 400, 'Bad request');
    }
    if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) {
      return sendText(res, 400, 'Bad request');
    }
    if (decoded.split('/').includes('..')) {
      return sendText(res, 403, 'Forbidden');
    }
    let relative = decoded;
    if (relative.endsWith('/')) relative += 'index.html';
    let file = path.resolve(rootDir, '.' + relative);
    if (!inside(file)) return sendText(res, 403, 'Forbidden');

    // A directory without a trailing slash: serve its index.html.
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    } catch {
      // Missing: handled below (a compressed variant alone is not enough).
    }
    const original = await fileStat(file);
    if (!original) return sendText(res, 404, 'Not found');
    // Symbolic links must not lead out of the root either.
    let real;
    try {
      real = await realpath(file);
    } catch {
      return sendText(res, 404, 'Not found');
    }
    if (!inside(real)) return sendText(res, 403, 'Forbidden');

    const accepts = acceptedEncodings(req.headers['accept-encoding']);
    let servedFile = file;
    let servedStat = original;
    let encoding = null;
    for (const [name, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
      if (!accepts[name]) continue;
      const candidate = file + suffix;
      const s = await fileStat(candidate);
      // A compressed copy older than its original is stale (someone edited the file after
      // the build): serve the original instead.
      if (s && s.mtimeMs >= original.mtimeMs && inside(await realpath(candidate))) {
        servedFile = candidate;
        servedStat = s;
        encoding = name;
        break;
      }
    }

    const etag = `W/"${servedStat.size.toString(16)}-${Math.floor(servedStat.mtimeMs).toString(16)}${encoding ? '-' + encoding : ''}"`;
    const headers = {
      'Content-Type': contentTypeFor(file),
      'Cache-Control': cacheControlFor(file),
      Vary: 'Accept-Encoding',
      ETag: etag,
      'Last-Modified': servedStat.mtime.toUTCString(),
      'X-Content-Type-Options': 'nosniff',
    };
    if (encoding) headers['Content-Encoding'] = encoding;

    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').map((t) => t.trim()).includes(etag)) {
      res.writeHead(304, headers);
      return res.end();
    }
    headers['Content-Length'] = servedStat.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    const stream = createReadStream(servedFile);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendText(res, 500, 'Internal server error');
      else res.destroy(err);
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${actualPort}/`,
    port: actualPort,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const invokedAsScript =
  process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;

if (invokedAsScript) {
  const [root, portArg] = process.argv.slice(2);
  if (!root) {
    console.error('Usage: node tests/support/serve.mjs <root> [port]');
    process.exit(2);
  }
  const port = portArg === undefined ? 8765 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Bad port: ${portArg}`);
    process.exit(2);
  }
  const { url } = await serveStatic({ root, port });
  console.log(`Serving ${root} at ${url}`);
  const stop = () => process.exit(0);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
