// Browser test: the development server and the page in headless Debian Chromium (playwright-core).
//   node tests/browser/run.mjs
// Starts web/server.js twice on free ports, with and without the cross-origin isolation headers, and
// checks: the server's headers, MIME types and refusals; the threaded build with isolation and the
// single-threaded one without; window.convplay (ready, state, setState and its errors); a non-blank
// screenshot (kept in build/test-artifacts/); devicePixelRatio; no CPU use when idle; no console errors.
// Prints one line per check, then "N passed, M failed"; exits 1 on any failure.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'build/test-artifacts');
fs.mkdirSync(artifacts, { recursive: true });
let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name}${detail ? ': ' + detail : ''}`); }
}

function startServer(extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'web/server.js'), '--port', '0', ...extra],
                        { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => reject(new Error('server did not start in 10 s')), 10000);
    child.stdout.on('data', (chunk) => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(chunk.toString());
      if (m) { clearTimeout(timer); resolve({ child, base: `http://127.0.0.1:${m[1]}` }); }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

// A raw request, so that '..' reaches the server unnormalised.
function rawGet(base, rawPath) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serverChecks(base, isolated) {
  const label = isolated ? 'isolated' : 'no-isolation';
  const page = await rawGet(base, '/');
  check(`${label}: / serves index.html`, page.status === 200 && /text\/html/.test(page.headers['content-type']));
  check(`${label}: isolation headers ${isolated ? 'sent' : 'absent'}`,
        isolated ? page.headers['cross-origin-opener-policy'] === 'same-origin' &&
                   page.headers['cross-origin-embedder-policy'] === 'require-corp'
                 : !page.headers['cross-origin-opener-policy'] && !page.headers['cross-origin-embedder-policy']);
  for (const dir of ['wasm-mt', 'wasm-st']) {
    const wasm = await rawGet(base, `/build/${dir}/bin/convplay_app.wasm`);
    check(`${label}: ${dir} .wasm served as application/wasm`, wasm.status === 200 && wasm.headers['content-type'] === 'application/wasm',
          `${wasm.status} ${wasm.headers['content-type']}`);
  }
  if (!isolated) return;
  for (const bad of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/web/..%2f..%2fetc%2fpasswd', '/web/%2e%2e/CMakeLists.txt',
                     '/CMakeLists.txt', '/.git/config', '/build/native/CMakeCache.txt', '/web/..\\..\\etc\\passwd',
                     '/web/%00server.js', '/%ZZ']) {
    const r = await rawGet(base, bad);
    check(`server refuses ${bad}`, r.status === 404 || r.status === 400, `got ${r.status}`);
  }
}

// Mean and variance of luminance of a PNG, decoded by the browser (no image library needed).
async function pngStats(browser, file) {
  const page = await browser.newPage();
  const data = fs.readFileSync(file).toString('base64');
  const stats = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let sum = 0, sum2 = 0; const colours = new Set();
    for (let i = 0; i < px.length; i += 4) {
      const y = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      sum += y; sum2 += y * y;
      if (colours.size < 5000) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    }
    const n = px.length / 4;
    return { mean: sum / n, variance: sum2 / n - (sum / n) ** 2, colours: colours.size };
  }, data);
  await page.close();
  return stats;
}

async function pageChecks(browser, base, isolated) {
  const label = isolated ? 'isolated' : 'no-isolation';
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: isolated ? 2 : 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/index.html#scene=modes`);
  let state = null;
  try {
    await page.waitForFunction(() => window.convplay && window.convplay.ready, null, { timeout: 10000 });
    await page.evaluate(() => window.convplay.ready.then(() => true), null);
    state = await page.evaluate(() => window.convplay.state());
    check(`${label}: convplay.ready resolves`, true);
  } catch (e) {
    check(`${label}: convplay.ready resolves`, false, e.message);
    await page.screenshot({ path: path.join(artifacts, `browser-${label}-failed.png`) }).catch(() => {});
    await context.close();
    return;
  }
  const coi = await page.evaluate(() => window.crossOriginIsolated);
  check(`${label}: crossOriginIsolated is ${isolated}`, coi === isolated);
  check(`${label}: state().threads ${isolated ? '>= 1' : '=== 0'}`, isolated ? state.threads >= 1 : state.threads === 0,
        `threads ${state.threads}`);
  check(`${label}: state().simd === true`, state.simd === true);
  check(`${label}: state().build is ${isolated ? 'threads' : 'single'}`, state.build === (isolated ? 'threads' : 'single'));
  check(`${label}: scene from #scene=modes`, state.scene === 'modes');
  check(`${label}: frames counted`, state.frames >= 1, `frames ${state.frames}`);
  check(`${label}: the lecture's 5×5 ∗ 3×3 valid gives 3×3`, state.out_h === 3 && state.out_w === 3 && state.error === '');

  // setState through the page API: values come back from the core.
  const full = await page.evaluate(() => window.convplay.setState({ n: 7, k: 3, padding: 'full' }));
  check(`${label}: setState({n:7,k:3,padding:'full'}) gives 9×9`, full.out_h === 9 && full.out_w === 9,
        JSON.stringify({ out_h: full.out_h, out_w: full.out_w }));
  const bad = await page.evaluate(() => { try { window.convplay.setState({ h: 0 }); return null; } catch (e) { return e.message; } });
  check(`${label}: setState({h:0}) throws a message and changes nothing`,
        bad === 'h must be between 1 and 4096' && (await page.evaluate(() => window.convplay.state().h)) === 7, String(bad));
  const impossible = await page.evaluate(() => window.convplay.setState({ n: 5, k: 7, dilation: 2, padding: 'valid' }));
  check(`${label}: an impossible layer reports the core's message`,
        /kernel 7 \(13 with dilation 2\) is larger than the padded input 5/.test(impossible.error), impossible.error);
  await page.evaluate(() => window.convplay.setState({ n: 5, k: 3, dilation: 1, padding: 'valid' }));

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
  await context.close();
}

// A browser without WebGL 2 gets a readable message naming it, not a blank page.
async function missingFeatureCheck(browser, base) {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
      return kind === 'webgl2' ? null : getContext.call(this, kind, ...rest);
    };
  });
  await page.goto(`${base}/index.html`);
  const rejected = await page.evaluate(() => window.convplay.ready.then(() => 'resolved', (e) => e.message));
  const text = await page.evaluate(() => document.getElementById('overlay').innerText);
  check('without WebGL 2: ready rejects and the page says what is missing',
        /WebGL 2/.test(rejected) && /cannot run the playground/.test(text) && /WebGL 2/.test(text), `${rejected} | ${text}`);
  await page.screenshot({ path: path.join(artifacts, 'browser-no-webgl2.png') });
  await context.close();
}

const servers = [];
let browser;
try {
  for (const [isolated, extra] of [[true, []], [false, ['--no-isolation']]]) {
    const s = await startServer(extra);
    servers.push(s);
    await serverChecks(s.base, isolated);
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    // playwright gives every launch a new, empty profile of its own.
  });
  await pageChecks(browser, servers[0].base, true);
  await pageChecks(browser, servers[1].base, false);
  await missingFeatureCheck(browser, servers[1].base);
} catch (e) {
  check('browser test ran to the end', false, e.stack || String(e));
} finally {
  if (browser) await browser.close().catch(() => {});
  for (const s of servers) s.child.kill('SIGTERM');
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
