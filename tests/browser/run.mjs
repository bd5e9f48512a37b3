// Browser test: the development server and the page in headless Debian Chromium (playwright-core).
//   node tests/browser/run.mjs [--root DIR] [--only GROUP,...]
// Starts web/server.js twice on free ports, with and without the cross-origin isolation headers, and
// checks: the server's options, headers, MIME types and refusals; the threaded build with isolation and
// the single-threaded one without; window.convplay (ready, state, setState and its errors); a non-blank
// screenshot (kept in build/test-artifacts/); devicePixelRatio; no CPU use when idle; no console errors;
// the messages a browser without WebGL 2 or SIMD, and a page without a build, get.
// --root serves another folder that has index.html, web/ and build/wasm-*/bin/ (e.g. a stand-in build);
// the server is always this checkout's web/server.js.
// --only runs some groups of checks (while working on them; the test command runs all): server, page,
// address, course, touch, many, missing, notbuilt, hardening, a11y, layout, hostile, soak, slices.
// Prints one line per check, then "N passed, M failed"; exits 1 on any failure. Always exits: a
// watchdog ends the run (as a failure) after 11 minutes, and the finally block stops server and browser.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { addressChecks, courseChecks, manyEmbedsCheck, touchChecks } from './embed.mjs';
import { pngStats } from './pixels.mjs';
import { a11yChecks, liveRegionChecks, reachChecks } from './a11y.mjs';
import { layoutChecks } from './layout.mjs';
import { budgetChecks, hostileChecks, hostileMessageChecks } from './hostile.mjs';
import { soakChecks } from './soak.mjs';
import { sliceChecks } from './slices.mjs';
import { abortChecks, contextLossChecks, cspChecks, keyChecks, siblingFrameChecks, wheelChecks } from './hardening.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverJs = path.join(repo, 'web/server.js');
let root = repo;
const GROUPS = ['server', 'page', 'address', 'course', 'touch', 'many', 'missing', 'notbuilt', 'hardening', 'a11y', 'layout', 'hostile', 'soak', 'slices'];
let only = null;
for (let i = 2; i < process.argv.length; ++i) {
  if (process.argv[i] === '--root' && process.argv[i + 1]) root = path.resolve(process.argv[++i]);
  else if (process.argv[i] === '--only' && process.argv[i + 1]) only = process.argv[++i].split(',');
  else { console.error('usage: node tests/browser/run.mjs [--root DIR] [--only GROUP,...]'); process.exit(2); }
}
const unknownGroups = (only || []).filter((g) => !GROUPS.includes(g));
if (unknownGroups.length) { console.error(`run.mjs: unknown group ${unknownGroups.join(', ')} (known: ${GROUPS.join(', ')})`); process.exit(2); }
const want = (group) => !only || only.includes(group);
const artifacts = path.join(root, 'build/test-artifacts'); // a stand-in's screenshots stay beside it
fs.mkdirSync(artifacts, { recursive: true });
// First wasm compile under SwiftShader takes seconds on 2 cores; a minute means it is stuck.
const READY_TIMEOUT_MS = 60000;
const WATCHDOG_MS = 660000; // the whole run must end within 11 minutes (2 cores under SwiftShader; hostile and soak take 2)
let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name}${detail ? ': ' + detail : ''}`); }
}

// The per-scene check modules, in the order of their file names.
async function sceneModules() {
  const dir = path.join(repo, 'tests/browser/scenes');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort() : [];
  const mods = [];
  for (const f of files) mods.push({ id: f.replace(/\.mjs$/, ''), run: (await import(path.join(dir, f))).default });
  return mods;
}

const servers = []; // every server started, so that the finally block and the watchdog stop them all

// Starts web/server.js and reads the one line it prints; stdout must be exactly that line.
function startServer(extra, serveRoot = root) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serverJs, '--port', '0', '--root', serveRoot, ...extra],
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    servers.push({ child });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 10 s: ${out}${err}`)), 10000);
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^Convolution Playground: http:\/\/127\.0\.0\.1:(\d+)\/\n$/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, base: `http://127.0.0.1:${m[1]}` }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${out}${err}`)); });
  });
}

// A raw request, so that '..' reaches the server unnormalised.
function rawGet(base, rawPath, headers = {}) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.setTimeout(10000, () => req.destroy(new Error(`GET ${rawPath} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

// Files each build needs; a missing one is a failure that says how to build, never a silent skip.
function buildChecks() {
  const need = { 'wasm-mt': ['convplay_app.js', 'convplay_app.wasm', 'convplay_app.worker.js'],
                 'wasm-st': ['convplay_app.js', 'convplay_app.wasm'] };
  for (const [dir, files] of Object.entries(need)) {
    const missing = files.filter((f) => !fs.existsSync(path.join(root, 'build', dir, 'bin', f)));
    check(`build ${dir} present under ${root}`, missing.length === 0,
          `missing ${missing.map((f) => `build/${dir}/bin/${f}`).join(', ')}: run tools/play.sh (or ` +
          `cmake --preset ${dir} && cmake --build --preset ${dir}) first`);
  }
}

// The command line: only loopback, a busy port is named, stdout is the one line.
async function serverCliChecks(busyPort) {
  const host = spawnSync(process.execPath, [serverJs, '--port', '0', '--host', '0.0.0.0'], { encoding: 'utf8', timeout: 10000 });
  check('server refuses --host 0.0.0.0', host.status === 2 && /127\.0\.0\.1 only/.test(host.stderr), `${host.status} ${host.stderr}`);
  const busy = spawnSync(process.execPath, [serverJs, '--port', String(busyPort), '--root', root], { encoding: 'utf8', timeout: 10000 });
  check('server says a busy port is in use', busy.status === 1 && /port \d+ on 127\.0\.0\.1 is in use/.test(busy.stderr) && busy.stdout === '',
        `${busy.status} ${busy.stderr}`);
}

async function serverChecks(base, isolated) {
  const label = isolated ? 'isolated' : 'no-isolation';
  const page = await rawGet(base, '/');
  check(`${label}: / serves index.html`, page.status === 200 && /text\/html/.test(page.headers['content-type']));
  check(`${label}: isolation headers ${isolated ? 'sent' : 'absent'}`,
        isolated ? page.headers['cross-origin-opener-policy'] === 'same-origin' &&
                   page.headers['cross-origin-embedder-policy'] === 'require-corp'
                 : !page.headers['cross-origin-opener-policy'] && !page.headers['cross-origin-embedder-policy']);
  check(`${label}: Cache-Control no-cache and Cross-Origin-Resource-Policy cross-origin`,
        page.headers['cache-control'] === 'no-cache' && page.headers['cross-origin-resource-policy'] === 'cross-origin');
  for (const [file, type] of [['/web/loader.js', 'text/javascript'], ['/web/style.css', 'text/css']]) {
    const r = await rawGet(base, file);
    check(`${label}: ${file} served as ${type}`, r.status === 200 && (r.headers['content-type'] || '').startsWith(type),
          `${r.status} ${r.headers['content-type']}`);
  }
  for (const dir of ['wasm-mt', 'wasm-st']) {
    const wasm = await rawGet(base, `/build/${dir}/bin/convplay_app.wasm`);
    check(`${label}: ${dir} .wasm served as application/wasm`, wasm.status === 200 && wasm.headers['content-type'] === 'application/wasm',
          `${wasm.status} ${wasm.headers['content-type']}`);
  }
  if (!isolated) return;
  const shaders = path.join(root, 'shaders');
  const shader = fs.existsSync(shaders) && fs.readdirSync(shaders, { withFileTypes: true }).find((e) => e.isFile());
  if (shader) { // the app loads its GLSL from shaders/ at run time
    const r = await rawGet(base, `/shaders/${shader.name}`);
    check(`server serves shaders/${shader.name}`, r.status === 200, `got ${r.status}`);
  }
  for (const bad of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/web/..%2f..%2fetc%2fpasswd', '/web/%2e%2e/CMakeLists.txt',
                     '/CMakeLists.txt', '/.git/config', '/build/native/CMakeCache.txt', '/web/..\\..\\etc\\passwd',
                     '/web/%00server.js', '/%ZZ']) {
    const r = await rawGet(base, bad);
    check(`server refuses ${bad}`, r.status === 404 || r.status === 400, `got ${r.status}`);
  }
}

// Awaits convplay.ready in the page with a deadline: 'resolved', 'rejected: message' or 'timeout'.
function readyOutcome(page, timeoutMs = READY_TIMEOUT_MS) {
  return page.evaluate((ms) => Promise.race([
    window.convplay.ready.then(() => 'resolved', (e) => 'rejected: ' + (e && e.message)),
    new Promise((resolve) => setTimeout(() => resolve('timeout'), ms)),
  ]), timeoutMs);
}

async function pageChecks(browser, base, isolated) {
  const label = isolated ? 'isolated' : 'no-isolation';
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: isolated ? 2 : 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(READY_TIMEOUT_MS);
  const errors = [], blocking = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('console', (m) => { if (/Blocking on the main thread/.test(m.text())) blocking.push(m.text()); }); // Emscripten's warning
  page.on('pageerror', (e) => errors.push(e.message));
  // Hold the build's script back until state() has been read while loading: a cached build can
  // otherwise be running before goto() returns.
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  await page.route('**/convplay_app.js', async (route) => {
    await gate;
    await route.continue().catch(() => {}); // the page may be gone already (a failing run)
  });
  await page.goto(`${base}/index.html#scene=modes`, { waitUntil: 'domcontentloaded' });
  const before = await page.evaluate(() => window.convplay.state());
  release();
  check(`${label}: state() while loading`, before.loading === true && before.scene === 'modes' && before.frames === 0 &&
        before.threads === 0, JSON.stringify(before));
  const outcome = await readyOutcome(page);
  check(`${label}: convplay.ready resolves`, outcome === 'resolved',
        `${outcome}; overlay: ${await page.evaluate(() => document.getElementById('overlay').innerText).catch(() => '?')}`);
  if (outcome !== 'resolved') {
    await page.screenshot({ path: path.join(artifacts, `browser-${label}-failed.png`) }).catch(() => {});
    check(`${label}: no console errors`, errors.length === 0, errors.join(' | '));
    await context.close();
    return;
  }
  const state = await page.evaluate(() => window.convplay.state());
  check(`${label}: loading indicator hidden after the first frame`,
        await page.evaluate(() => getComputedStyle(document.getElementById('overlay')).display === 'none'));
  const coi = await page.evaluate(() => window.crossOriginIsolated);
  check(`${label}: crossOriginIsolated is ${isolated}`, coi === isolated);
  check(`${label}: state().threads ${isolated ? '>= 1' : '=== 0'}`, isolated ? state.threads >= 1 : state.threads === 0,
        `threads ${state.threads}`);
  check(`${label}: state().simd === true`, state.simd === true);
  check(`${label}: state().build is ${isolated ? 'threads' : 'single'}`, state.build === (isolated ? 'threads' : 'single'));
  check(`${label}: scene from #scene=modes`, state.scene === 'modes');
  check(`${label}: frames counted`, state.frames >= 1, `frames ${state.frames}`);
  const sceneSet = await page.evaluate(() => { try { window.convplay.setState({ scene: 'modes' }); return window.convplay.state().scene; }
                                               catch (e) { return 'threw ' + e.message; } });
  check(`${label}: setState({scene:'modes'}) works`, sceneSet === 'modes', sceneSet);
  const badScene = await page.evaluate(() => { try { window.convplay.setState({ scene: 'no-such-scene' }); return null; }
                                               catch (e) { return e instanceof Error ? e.message : 'not an Error'; } });
  check(`${label}: setState({scene:'no-such-scene'}) throws an Error with a message`, typeof badScene === 'string' && badScene.length > 0 &&
        badScene !== 'not an Error', String(badScene));

  // Each scene's own checks: tests/browser/scenes/<id>.mjs, one module per scene, default export
  // async (page, ctx) with ctx = { check, label, isolated, artifacts, shot(name) }. A throw is one failed
  // check, and the checks after it still run. (A stand-in build fails these.)
  for (const mod of await sceneModules()) {
    try {
      await mod.run(page, { check: (name, ok, detail) => check(`${label}: ${mod.id}: ${name}`, ok, detail), label, isolated,
                            artifacts, shot: async (name) => { await page.waitForTimeout(300); await page.screenshot({ path: path.join(artifacts, `browser-${name}${isolated ? '' : '-no-isolation'}.png`) }); } });
    } catch (e) {
      check(`${label}: ${mod.id} scene checks ran`, false, e.message.split('\n')[0]);
    }
  }
  // Back to modes for the page checks below, whatever happened above.
  // (the check 'setState({scene:'modes'}) works' above already reports a failure of this call).
  await page.evaluate(() => { try { window.convplay.setState({ scene: 'modes' }); } catch { /* reported above */ } });

  // The canvas follows devicePixelRatio.
  await page.waitForTimeout(300);
  const size = await page.evaluate(() => {
    const c = document.getElementById('canvas');
    return { w: c.width, css: c.getBoundingClientRect().width, dpr: window.devicePixelRatio };
  });
  check(`${label}: canvas backing store = CSS size × devicePixelRatio (${size.dpr})`,
        Math.abs(size.w - size.css * size.dpr) <= 1, JSON.stringify(size));

  // Idle: with no input and no animation, no frames are drawn.
  await page.waitForTimeout(500);
  const f0 = await page.evaluate(() => window.convplay.state().frames);
  await page.waitForTimeout(1000);
  const f1 = await page.evaluate(() => window.convplay.state().frames);
  check(`${label}: idle page draws no frames`, f1 === f0, `${f1 - f0} frames in 1 s`);
  // Input wakes it.
  await page.mouse.move(640, 300);
  await page.mouse.move(700, 320);
  await page.waitForTimeout(300);
  const f2 = await page.evaluate(() => window.convplay.state().frames);
  check(`${label}: mouse movement draws again`, f2 > f1, `${f2 - f1} frames`);

  const shot = path.join(artifacts, `browser-${label}.png`);
  await page.screenshot({ path: shot });
  const stats = await pngStats(browser, shot);
  check(`${label}: screenshot is not blank`, stats.variance > 50 && stats.colours > 16, JSON.stringify(stats));
  check(`${label}: no console errors`, errors.length === 0, errors.join(' | '));
  check(`${label}: the main thread never blocked (no "Blocking on the main thread" warning)`, blocking.length === 0, blocking.join(' | '));
  await context.close();
}

// A browser without a feature gets a readable message naming it, not a blank page. The feature is
// hidden by an init script that runs before the loader's probes.
async function missingFeatureCheck(browser, base, name, shot, pattern, hide) {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page = await context.newPage();
  await page.addInitScript(hide);
  await page.goto(`${base}/index.html`);
  const outcome = await readyOutcome(page, 10000);
  const text = await page.evaluate(() => document.getElementById('overlay').innerText);
  check(`without ${name}: ready rejects and the page says what is missing`,
        outcome.startsWith('rejected') && pattern.test(outcome) && /cannot run the playground/.test(text) && pattern.test(text),
        `${outcome} | ${text}`);
  await page.screenshot({ path: path.join(artifacts, `browser-${shot}.png`) });
  await context.close();
}

// A checkout that was never built: the server serves the page, the build 404s, and the page says to run
// tools/play.sh. Uses a temporary root with copies of index.html and web/, which also carries the
// precompressed-file (.gz) checks.
async function notBuiltChecks(browser) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-notbuilt-'));
  try {
    fs.copyFileSync(path.join(repo, 'index.html'), path.join(tmp, 'index.html'));
    fs.cpSync(path.join(repo, 'web'), path.join(tmp, 'web'), { recursive: true });
    const text = 'precompressed '.repeat(50);
    fs.writeFileSync(path.join(tmp, 'web/gz-probe.txt'), 'plain');
    fs.writeFileSync(path.join(tmp, 'web/gz-probe.txt.gz'), zlib.gzipSync(text));
    const s = await startServer(['--no-isolation'], tmp);
    const gz = await rawGet(s.base, '/web/gz-probe.txt', { 'Accept-Encoding': 'gzip, deflate' });
    check('server sends file.gz with Content-Encoding: gzip when accepted',
          gz.status === 200 && gz.headers['content-encoding'] === 'gzip' && zlib.gunzipSync(gz.body).toString() === text,
          `${gz.status} ${gz.headers['content-encoding']}`);
    const plain = await rawGet(s.base, '/web/gz-probe.txt');
    check('server sends the plain file when gzip is not accepted',
          plain.status === 200 && !plain.headers['content-encoding'] && plain.body.toString() === 'plain');
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    await page.goto(`${s.base}/index.html`);
    const outcome = await readyOutcome(page, 10000);
    const overlay = await page.evaluate(() => document.getElementById('overlay').innerText);
    check('without a build: ready rejects and the page says to run tools/play.sh',
          outcome.startsWith('rejected') && /tools\/play\.sh/.test(overlay), `${outcome} | ${overlay}`);
    await context.close();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function stopServers() {
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
}
// Last resort if something hangs (a browser that never answers): report, stop what we started, exit.
// playwright kills the browser it launched when this process exits.
const watchdog = setTimeout(() => {
  check('browser test finished within the time limit', false, `still running after ${WATCHDOG_MS / 1000} s`);
  stopServers();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}, WATCHDOG_MS);
// An error thrown outside the try below (e.g. in a route handler) would end the process without the
// finally block and leave the servers running: count it, stop them, exit.
for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (e) => {
    check('browser test ran to the end', false, (e && e.stack) || String(e));
    stopServers();
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(1);
  });
}

let browser;
try {
  buildChecks();
  const started = [];
  for (const [isolated, extra] of [[true, []], [false, ['--no-isolation']]]) {
    const s = await startServer(extra);
    started.push(s);
    if (want('server')) await serverChecks(s.base, isolated);
  }
  if (want('server')) await serverCliChecks(new URL(started[0].base).port);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', // Debian's; never `npx playwright install`
    headless: true,
    // TOOLCHAIN.md's flags, plus --disable-dev-shm-usage: Debian's launcher (/etc/chromium.d/dev-shm)
    // means to add it when /dev/shm is small (containers), where Chromium's GPU process crashes
    // otherwise, but its test breaks when findmnt prints two lines (`[: ...: unexpected operator`, seen
    // here), so it is passed explicitly.
    args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage'],
    // A fresh profile: playwright-core creates a new temporary --user-data-dir for every launch() and
    // deletes it on close (it refuses a --user-data-dir in args; that is launchPersistentContext's job).
  });
  if (want('page')) {
    await pageChecks(browser, started[0].base, true);
    await pageChecks(browser, started[1].base, false);
  }
  if (want('address')) await addressChecks(browser, started[0].base, check, artifacts);
  // The example course page served from another port (another origin), its iframes pointed at the
  // playground's server, as a course site would point at wherever the playground is hosted.
  const courseRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-course-'));
  fs.cpSync(path.join(repo, 'web'), path.join(courseRoot, 'web'), { recursive: true });
  fs.copyFileSync(path.join(repo, 'index.html'), path.join(courseRoot, 'index.html'));
  const courseHtml = path.join(courseRoot, 'web/course.html');
  fs.writeFileSync(courseHtml, fs.readFileSync(courseHtml, 'utf8').replaceAll('src="../index.html', `src="${started[1].base}/index.html`));
  // A course site has its own CSP, which would have to name the playground's origin in frame-src:
  // this stand-in sends none (the playground's own pages keep theirs).
  const course = await startServer(['--no-isolation', '--no-csp'], courseRoot);
  if (want('course')) await courseChecks(browser, course.base, started[1].base, check, artifacts);
  if (want('touch')) await touchChecks(browser, course.base, started[1].base, check);
  if (want('hardening')) {
    await cspChecks(browser, started[0].base, started[1].base, check, artifacts);
    await siblingFrameChecks(browser, course.base, started[1].base, check);
    await contextLossChecks(browser, started[0].base, check, artifacts);
    await abortChecks(browser, started[1].base, check, artifacts);
    await wheelChecks(browser, started[0].base, check, artifacts);
    await keyChecks(browser, started[0].base, check);
  }
  if (want('hostile')) {
    await hostileChecks(browser, started[0].base, 'threads', check, artifacts);
    await hostileChecks(browser, started[1].base, 'single', check, artifacts);
    await hostileMessageChecks(browser, started[1].base, check);
    await budgetChecks(browser, started[1].base, check);
  }
  if (want('soak')) await soakChecks(browser, started[1].base, check, artifacts);
  if (want('slices')) await sliceChecks(browser, started[0].base, started[1].base, check, artifacts);
  if (want('a11y')) {
    await liveRegionChecks(browser, started[1].base, check);
    await a11yChecks(browser, started[1].base, check);
    await reachChecks(browser, started[1].base, check);
  }
  if (want('layout')) await layoutChecks(browser, started[1].base, check, artifacts);
  fs.rmSync(courseRoot, { recursive: true, force: true });
  if (want('many')) await manyEmbedsCheck(browser, started[1].base, check);
  if (want('missing')) {
    await missingFeatureCheck(browser, started[1].base, 'WebGL 2', 'no-webgl2', /WebGL 2/, () => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
        return kind === 'webgl2' ? null : getContext.call(this, kind, ...rest);
      };
    });
    await missingFeatureCheck(browser, started[1].base, 'WebAssembly SIMD', 'no-simd', /WebAssembly SIMD/, () => {
      WebAssembly.validate = () => false; // what a browser without SIMD128 answers for the probe module
    });
  }
  if (want('notbuilt')) await notBuiltChecks(browser);
} catch (e) {
  check('browser test ran to the end', false, e.stack || String(e));
} finally {
  if (browser) await browser.close().catch(() => {});
  stopServers();
  clearTimeout(watchdog);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
