#!/usr/bin/env node
// Development server for Convolution Playground (Node.js built-ins only).
//
//   node web/server.js [--port 8080] [--host 127.0.0.1] [--no-isolation] [--no-csp] [--root DIR]
//
// Binds 127.0.0.1 only: it serves a work tree, so it must not be reachable from the network
// (--host accepts only loopback names, so scripts that pass it keep working). Serves index.html, web/, shaders/, assets/ and the two WebAssembly build
// folders; anything else is 404 and no path escapes them. Sends the cross-origin isolation headers
// (threads need SharedArrayBuffer) unless --no-isolation, which is how course sites serve the page.
// Sends a strict Content-Security-Policy (CSP below: what course platforms send, so the page is known to
// run under it) and X-Content-Type-Options: nosniff; --no-csp leaves the CSP out (e.g. a test's stand-in
// for a course page whose own policy would name the playground's origin in frame-src).
// Prints exactly one line on stdout, "Convolution Playground: http://127.0.0.1:PORT/", once listening
// (tools/play.sh users and tests/browser/run.mjs read it); notes go to stderr.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const USAGE = 'usage: node web/server.js [--port N (0 = any free port)] [--host 127.0.0.1] [--no-isolation] [--no-csp] [--root DIR]';
// No inline scripts, no eval; WebAssembly compiles ('wasm-unsafe-eval'), the threaded build's workers
// start from our own worker script (worker-src also allows blob: workers), ImGui's canvas needs nothing else.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
            "img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'";
const HOST = '127.0.0.1';
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'];
const options = { port: 8080, isolation: true, csp: true, root: path.resolve(__dirname, '..') };
const argv = process.argv.slice(2);
function usageError(message) {
  console.error(`server.js: ${message}\n${USAGE}`);
  process.exit(2);
}
for (let i = 0; i < argv.length; ++i) {
  const arg = argv[i];
  if (arg === '--port') {
    const value = argv[++i];
    if (!/^\d+$/.test(value || '') || Number(value) > 65535) usageError(`--port needs a number 0-65535, got '${value ?? ''}'`);
    options.port = Number(value);
  } else if (arg === '--host') {
    const value = argv[++i];
    if (!LOOPBACK_NAMES.includes(value)) {
      usageError(`--host '${value ?? ''}' refused: the development server listens on ${HOST} only ` +
                 '(use a real web server, or python3 -m http.server, to share the built folder)');
    }
  } else if (arg === '--no-isolation') {
    options.isolation = false;
  } else if (arg === '--no-csp') {
    options.csp = false;
  } else if (arg === '--root') {
    if (i + 1 >= argv.length) usageError('--root needs a folder');
    options.root = path.resolve(argv[++i]);
  } else if (arg === '--help' || arg === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else {
    usageError(`bad option '${arg}'`);
  }
}
if (!fs.existsSync(path.join(options.root, 'index.html'))) usageError(`no index.html in --root ${options.root}`);

// Folders (relative to the root) whose files are served, and single files.
const SERVED_DIRS = ['web', 'shaders', 'assets', 'build/wasm-mt/bin', 'build/wasm-st/bin'];
const SERVED_FILES = ['index.html', 'favicon.ico'];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
  '.glsl': 'text/plain; charset=utf-8', '.vert': 'text/plain; charset=utf-8', '.frag': 'text/plain; charset=utf-8',
  '.ttf': 'font/ttf', '.data': 'application/octet-stream',
};

// Maps a URL path to a file inside a served folder, or null. Decodes once, refuses NUL, backslashes
// and any '..' segment, and checks the resolved path still lies inside the allowed folder.
function resolveRequest(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (rel.split('/').some((seg) => seg === '..')) return null;
  const allowed = SERVED_FILES.includes(rel) || SERVED_DIRS.some((d) => rel.startsWith(d + '/'));
  if (!allowed) return null;
  const full = path.resolve(options.root, rel);
  const inside = SERVED_FILES.some((f) => full === path.join(options.root, f)) ||
                 SERVED_DIRS.some((d) => full.startsWith(path.join(options.root, d) + path.sep));
  return inside ? full : null;
}

function send(res, status, headers, body) {
  res.writeHead(status, headers);
  res.end(body);
}

const server = http.createServer((req, res) => {
  const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
  if (options.csp) headers['Content-Security-Policy'] = CSP;
  if (options.isolation) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
  }
  // Lets pages on other origins embed our files (iframes, and isolated hosts with COEP).
  headers['Cross-Origin-Resource-Policy'] = 'cross-origin';
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }, 'method not allowed\n');
  }
  let urlPath;
  try {
    urlPath = new URL(req.url, 'http://127.0.0.1').pathname;
  } catch {
    return send(res, 400, { ...headers, 'Content-Type': 'text/plain' }, 'bad request\n');
  }
  const file = resolveRequest(urlPath);
  if (!file) return send(res, 404, { ...headers, 'Content-Type': 'text/plain' }, 'not found\n');
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return send(res, 404, { ...headers, 'Content-Type': 'text/plain' }, 'not found\n');
    headers['Content-Type'] = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    // A precompressed neighbour (file.gz) is sent when the client accepts gzip. Asynchronous stat, so a
    // .gz that disappears meanwhile just means the plain file is sent (no exception kills the server).
    const acceptsGzip = /\bgzip\b/.test(req.headers['accept-encoding'] || '');
    const gz = file + '.gz';
    fs.stat(gz, (gzErr, gzSt) => {
      const useGz = acceptsGzip && !gzErr && gzSt.isFile();
      if (useGz) headers['Content-Encoding'] = 'gzip';
      if (!gzErr) headers['Vary'] = 'Accept-Encoding'; // caches must keep both variants apart
      const target = useGz ? gz : file;
      headers['Content-Length'] = (useGz ? gzSt : st).size;
      res.writeHead(200, headers);
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(target).on('error', () => res.destroy()).pipe(res);
    });
  });
});

server.on('error', (err) => {
  if (err.code === 'EADDRINUSE') {
    console.error(`server.js: port ${options.port} on ${HOST} is in use (another server.js or tools/play.sh?); ` +
                  'pick another with --port N (0 = any free port)');
  } else {
    console.error(`server.js: ${err.message}`);
  }
  process.exit(1);
});
server.listen(options.port, HOST, () => {
  const { port } = server.address();
  console.log(`Convolution Playground: http://${HOST}:${port}/`);
  if (!options.isolation) console.error('server.js: no cross-origin isolation headers: the page loads the single-threaded build');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // keep-alive connections would hold the close open
  });
}
