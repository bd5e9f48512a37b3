// Start-up benchmark of the page as an embed sees it: bytes transferred on a first (uncached) load and
// the time to the first frame, in headless Chromium (Debian's), for the single-threaded build (a page
// without isolation, as course sites are) and the threaded one. Prints one JSON line per run, then a table.
//   node bench/startup.mjs [--runs 5]
// Needs both WebAssembly builds (tools/play.sh or tools/test.sh builds them) and `npm ci`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1 || runs > 100) { console.error('startup: --runs must be 1 to 100'); process.exit(2); }

function startServer(extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'web/server.js'), '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => reject(new Error('server did not start')), 10000);
    child.stdout.on('data', (c) => {
      const m = /127\.0\.0\.1:(\d+)/.exec(String(c));
      if (m) { clearTimeout(timer); resolve({ child, base: `http://127.0.0.1:${m[1]}` }); }
    });
  });
}

const servers = [await startServer(['--no-isolation']), await startServer([])];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-dev-shm-usage'] });
const results = [];
try {
  for (const [label, server] of [['single (no isolation)', servers[0]], ['threads (isolated)', servers[1]]]) {
    for (let i = 0; i < runs; ++i) {
      const context = await browser.newContext({ viewport: { width: 800, height: 500 } }); // fresh: no cache
      const page = await context.newPage();
      const bytes = { total: 0 };
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      cdp.on('Network.loadingFinished', (e) => { bytes.total += e.encodedDataLength; });
      await page.goto(`${server.base}/index.html#scene=modes&nav=0`);
      const ms = await page.evaluate(() => window.convplay.ready.then(() => performance.now()));
      await page.waitForTimeout(200);
      const row = { impl: 'convplay-page', build: label, run: i, first_frame_ms: Math.round(ms), transferred_bytes: bytes.total };
      console.log(JSON.stringify(row));
      results.push(row);
      await context.close();
    }
  }
} finally {
  await browser.close();
  for (const s of servers) s.child.kill();
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
console.log('\n| build | first frame, median ms (min–max) | transferred on first load |');
console.log('|---|---|---|');
for (const label of [...new Set(results.map((r) => r.build))]) {
  const rs = results.filter((r) => r.build === label);
  const t = rs.map((r) => r.first_frame_ms);
  console.log(`| ${label} | ${median(t)} (${Math.min(...t)}–${Math.max(...t)}) | ${(median(rs.map((r) => r.transferred_bytes)) / 1048576).toFixed(2)} MB |`);
}
