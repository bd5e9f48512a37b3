// Soak (issue: hardening, item 7): a seeded sequence of random valid states across all scenes, with clicks
// in the scene area, applied twice. The first pass warms up (the module's memory grows to what these
// states need); the second must not grow it further: WebAssembly memory never shrinks, so growth in a
// repeat of the same states is a leak. The console must stay clean, setState must only ever refuse with
// an Error, and the page must keep drawing.
//   SOAK_STATES=n    states per pass (default 150); SOAK_SECONDS=s stops a pass early (default 25)
// The test command runs the defaults; a longer run is a benchmark (README, "Soak"):
//   SOAK_STATES=5000 SOAK_SECONDS=1800 node tests/browser/run.mjs --only soak
import path from 'node:path';
import { ready } from './embed.mjs';
import { pngStats } from './pixels.mjs';

const STATES = Number(process.env.SOAK_STATES || 150);
const SECONDS = Number(process.env.SOAK_SECONDS || 25);

// Runs in the page: `count` states from the seed, each a scene and one to three of its parameters at
// random values within the ranges its sliders span (skewed to small values, so that a pass stays short);
// returns what happened. Scene ids and parameter specs come from state().
async function soakPass({ seed, count, seconds }) {
  let s = seed >>> 0;
  const rand = () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const api = window.convplay;
  const scenes = api.state().scenes;
  const specs = {};
  for (const id of scenes) specs[id] = api.setState({ scene: id }).parameters;
  const out = { applied: 0, refused: 0, problems: [], frames0: api.state().frames };
  const t0 = performance.now();
  for (let i = 0; i < count && performance.now() - t0 < seconds * 1000; ++i) {
    const scene = pick(scenes);
    const keys = Object.keys(specs[scene]).filter((k) => specs[scene][k].type !== 'text' && k !== 'playing');
    const partial = { scene };
    for (let n = 1 + Math.floor(rand() * 3); n > 0 && keys.length; --n) {
      const key = pick(keys), p = specs[scene][key];
      const u = rand() * rand();
      if (p.type === 'int') partial[key] = Math.round(p.slider_min + u * (p.slider_max - p.slider_min));
      else if (p.type === 'number') partial[key] = p.slider_min + u * (p.slider_max - p.slider_min);
      else if (p.type === 'bool') partial[key] = rand() < 0.5;
      else if (p.type === 'choice') partial[key] = pick(p.choices.filter((c) => c !== 'user')); // 'user': a picture of one's own
    }
    try { api.setState(partial); ++out.applied; }
    catch (e) {
      ++out.refused;
      if (!(e instanceof Error) || !e.message) out.problems.push(`${JSON.stringify(partial)}: threw ${String(e)}`);
      if (/stopped/.test(e.message)) { out.problems.push(`stopped: ${e.message}`); break; }
    }
    if (i % 4 === 0) await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); // let frames run
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}

const memoryBytes = (page) => page.evaluate(() => window.__module.HEAP8.buffer.byteLength);

// Clicks in the scene area (not the scene list, nor the train scene, whose buttons start a download and
// a training run: other tests cover those).
async function clicks(page, seed, n) {
  let s = seed;
  const rand = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  for (let i = 0; i < n; ++i) {
    if ((await page.evaluate(() => window.convplay.state().scene)) === 'train') await page.evaluate(() => window.convplay.setState({ scene: 'modes' }));
    await page.mouse.click(260 + Math.floor(rand() * 980), 40 + Math.floor(rand() * 720));
    await page.keyboard.press('Escape'); // closes what a click opened (a combo, the Share popup)
  }
}

export async function soakChecks(browser, base, check, artifacts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => { // the module, for its memory size (as abortChecks takes it)
    let factory;
    Object.defineProperty(window, 'createConvplay', {
      configurable: true,
      get: () => factory && ((moduleArg) => { window.__module = moduleArg; return factory(moduleArg); }),
      set: (f) => { factory = f; },
    });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/index.html#scene=modes`);
  const first = await ready(page);
  const start = await memoryBytes(page);
  const passes = [];
  for (const pass of [1, 2]) {
    const r = await page.evaluate(soakPass, { seed: 20261202, count: STATES, seconds: SECONDS });
    await clicks(page, 7, 30);
    await page.evaluate(() => window.convplay.setState({ scene: 'modes' }));
    await page.waitForTimeout(300);
    passes.push({ ...r, memory: await memoryBytes(page) });
  }
  const [a, b] = passes;
  const mib = (x) => (x / 2 ** 20).toFixed(0);
  console.log(`# soak (${first.build}): ${a.applied + a.refused} states per pass (${a.refused} refused), ${a.seconds.toFixed(1)} s and ` +
              `${b.seconds.toFixed(1)} s, 30 clicks each; memory ${mib(start)} MiB at start, ${mib(a.memory)} MiB after the first pass, ` +
              `${mib(b.memory)} MiB after the second`);
  check(`soak: ${a.applied + a.refused} random valid states and 30 clicks, twice: only Errors with messages, the app still running`,
        a.problems.length === 0 && b.problems.length === 0 && !(await page.evaluate(() => window.convplay.state().stopped)),
        [...a.problems, ...b.problems].slice(0, 5).join(' | '));
  check('soak: the same states again do not grow the WebAssembly memory (no leak)', b.memory === a.memory && a.applied > 0,
        `${mib(a.memory)} MiB → ${mib(b.memory)} MiB`);
  const f0 = await page.evaluate(() => window.convplay.state().frames);
  await page.mouse.move(700, 400);
  await page.mouse.move(720, 430);
  await page.waitForTimeout(300);
  const f1 = await page.evaluate(() => window.convplay.state().frames);
  const shot = path.join(artifacts, 'browser-soak.png');
  await page.screenshot({ path: shot });
  const stats = await pngStats(browser, shot);
  check('soak: frames advance and the page draws afterwards', f1 > f0 && stats.variance > 50, `frames ${f0} → ${f1}; ${JSON.stringify(stats)}`);
  check('soak: no console errors', errors.length === 0, errors.slice(0, 5).join(' | '));
  await context.close();
}
