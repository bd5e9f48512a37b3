// Hostile input through the page API (issue: hardening, item 3), in the real page:
//   hostileChecks:        for every scene of state().scenes and every key of that scene's state(), values of
//                         the wrong type, out of range, 10,000 characters, markup, null, arrays and objects
//                         through setState(): each is refused with an Error naming the key and what it takes
//                         (state().parameters says that), the parameters and the hash stay as they were,
//                         frames keep advancing, the console stays clean; every call is timed (the slowest
//                         is printed; only a generous bound is asserted: timings belong to benchmarks).
//   hostileMessageChecks: the same values from the parent page through postMessage, answered with
//                         {ok: false, error} naming the key; malformed messages get no answer.
import path from 'node:path';
import { ready } from './embed.mjs';
import { pngStats } from './pixels.mjs';

const SLOW_MS = 1000; // a generous bound for one setState call (a frame's time is the aim)

// Runs in the page: the values a hostile host page sends to a key, by what the key takes (its
// state().parameters entry, or none for a result). NaN and Infinity arrive as null (JSON). The values
// of every type (wrong types, 10,000 characters, markup) are shared out: key number n of a scene gets
// every other one, starting at n % 2, so that two keys in a row get them all; what depends on the
// key's type and range (out of range, half-integers, negatives, booleans) every key gets.
function hostileValues(spec, result = false, n = 0) {
  const markup = '<img src=x onerror="window.__owned=1">';
  const half = (list) => list.filter((_, j) => (j + n) % 2 === 0);
  if (result) return half([null, [1, 2], 'x'.repeat(10000), markup]); // a result: a sample
  const v = half([null, NaN, Infinity, [1, 2], { a: 1 }, [[[[[]]]]], 'x'.repeat(10000), markup, '"}]);window.__owned=1;//']);
  const type = spec ? spec.type : 'choice';
  if (type !== 'text') v.push(1e9, -1e308, ...half([1e308, '', '1e9'])); // a text takes numbers as text, and may be empty
  if (type !== 'bool') v.push(true);
  if (type === 'bool') v.push(1, 0, 'true');
  if (type === 'int') v.push(spec.min + 0.5);
  if (type === 'int' && spec.min >= 0) v.push(-1);
  return v;
}

// Runs in the page: every key of the current scene's state() gets every hostile value. Returns the
// problems found, the number of calls and the slowest.
function attackScene() {
  const hostileValues = window.__hostileValues;
  const api = window.convplay;
  const st0 = api.state();
  const params = st0.parameters || {};
  // What must not change: the hash and the parameters (results such as timings may move on their own).
  const kept = (st) => JSON.stringify([st.scene, st.hash, Object.keys(params).map((k) => st[k])]);
  const before = kept(st0);
  const problems = [];
  let calls = 0, slowest = { ms: 0, what: '' };
  const short = (v) => { const s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v)); return s.length > 30 ? s.slice(0, 30) + '…' : s; };
  const keys = Object.keys(st0).filter((k) => k !== 'parameters' && k !== 'scenes');
  keys.push('__proto__');
  for (const [n, key] of keys.entries()) {
    const spec = Object.hasOwn(params, key) ? params[key] : undefined;
    for (const value of hostileValues(spec, !spec && key !== 'scene' && key !== '__proto__', n)) {
      const arg = key === '__proto__' ? JSON.parse(`{"__proto__": ${JSON.stringify(value) ?? 'null'}}`) : { [key]: value };
      const t0 = performance.now();
      let error = null;
      try { api.setState(arg); } catch (e) { error = e; }
      const ms = performance.now() - t0;
      ++calls;
      if (ms > slowest.ms) slowest = { ms, what: `${st0.scene}.${key} = ${short(value)}` };
      const what = `${st0.scene}.${key} = ${short(value)}`;
      const message = error && error.message;
      if (error && !(error instanceof Error)) problems.push(`${what}: threw a non-Error ${String(error)}`);
      else if (key === 'scene') {
        if (!/^(scene must be one of: |unknown scene ')/.test(message || '')) problems.push(`${what}: ${message || 'accepted'}`);
      } else if (spec) {
        const range = spec.allowed.replace(/^a (whole )?number /, '');
        const names = message && (message.startsWith(key + ' ') || message.startsWith(key + ':'));
        const says = message && (spec.type === 'text' || message.includes(range) || / must be between -?\d/.test(message));
        if (!names || !says || message.length > 400) problems.push(`${what}: ${message || 'accepted'} (takes ${spec.allowed})`);
      } else if (error && !message.includes(key.slice(0, 20))) {
        problems.push(`${what}: refused without naming the key: ${message}`);
      }
      if (kept(api.state()) !== before) {
        problems.push(`${what}: the state changed (${message || 'accepted'})`);
        return { problems, calls, slowest }; // later comparisons would all fail
      }
    }
  }
  if (window.__owned) problems.push('markup ran as script');
  return { problems, calls, slowest };
}

async function framesAdvance(page) {
  const f0 = await page.evaluate(() => window.convplay.state().frames);
  await page.mouse.move(700, 400);
  await page.mouse.move(720, 420);
  await page.waitForTimeout(250);
  const f1 = await page.evaluate(() => window.convplay.state().frames);
  return { f0, f1, ok: f1 > f0 };
}

export async function hostileChecks(browser, base, label, check, artifacts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: `window.__hostileValues = ${hostileValues.toString()};` }); // not eval: the page's CSP forbids it
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();
  await page.goto(`${base}/index.html#scene=modes`);
  const first = await ready(page);
  let total = 0, slowest = { ms: 0, what: '' };
  for (const scene of first.scenes) {
    await page.evaluate((id) => window.convplay.setState({ scene: id }), scene);
    await page.waitForTimeout(300); // pictures and the first frame of the scene
    const r = await page.evaluate(attackScene);
    total += r.calls;
    if (r.slowest.ms > slowest.ms) slowest = r.slowest;
    check(`hostile (${label}): ${scene}: ${r.calls} hostile setState calls refused naming the key and what it takes, state unchanged`,
          r.problems.length === 0, r.problems.slice(0, 6).join(' | ') + (r.problems.length > 6 ? ` | … ${r.problems.length} in all` : ''));
    const f = await framesAdvance(page);
    check(`hostile (${label}): ${scene}: frames advance afterwards`, f.ok, `frames ${f.f0} → ${f.f1}`);
  }
  console.log(`# hostile (${label}): ${total} calls over ${first.scenes.length} scenes in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
              `slowest ${slowest.ms.toFixed(1)} ms (${slowest.what})`);
  check(`hostile (${label}): every call answered within ${SLOW_MS} ms`, slowest.ms < SLOW_MS, `${slowest.ms.toFixed(1)} ms: ${slowest.what}`);
  // Values no JSON holds: the loader refuses them as a TypeError naming the key.
  const odd = await page.evaluate(() => {
    const out = [];
    for (const [key, value] of [['h', 10n], ['h', (() => { const o = {}; o.self = o; return o; })()]]) {
      try { window.convplay.setState({ [key]: value }); out.push('accepted'); } catch (e) { out.push(e instanceof Error ? e.message : 'not an Error'); }
    }
    for (const arg of [null, 5, 'scene=modes', [{ scene: 'modes' }]]) {
      try { window.convplay.setState(arg); out.push('accepted'); } catch (e) { out.push(e instanceof TypeError ? 'TypeError' : 'other'); }
    }
    return out;
  });
  check(`hostile (${label}): a BigInt or a cycle is refused naming the key; a non-object argument is a TypeError`,
        /^h /.test(odd[0]) && /^h /.test(odd[1]) && odd.slice(2).every((o) => o === 'TypeError'), JSON.stringify(odd));
  await page.evaluate(() => window.convplay.setState({ scene: 'color' }));
  await page.waitForTimeout(800);
  const shot = path.join(artifacts, `browser-hostile-${label}.png`);
  await page.screenshot({ path: shot });
  const stats = await pngStats(browser, shot);
  check(`hostile (${label}): the page still draws a scene after the attack (screenshot)`, stats.variance > 50 && stats.colours > 16, JSON.stringify(stats));
  check(`hostile (${label}): no console errors`, errors.length === 0, errors.slice(0, 5).join(' | '));
  await context.close();
}

// The parent page: an iframe of the playground; messages to it and the answers it posts back.
export async function hostileMessageChecks(browser, base, check) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  await context.addInitScript({ content: `window.__hostileValues = ${hostileValues.toString()};` });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent(`<!doctype html><iframe id="embed" src="${base}/index.html#scene=pooling" width="900" height="600"></iframe>`);
  await page.evaluate(`window.__hostileValues = ${hostileValues.toString()};`);
  const frame = await (await page.$('#embed')).contentFrame();
  await page.evaluate(() => {
    window.answers = new Map();
    window.addEventListener('message', (e) => { if (e.data && e.data.type === 'convplay:result') window.answers.set(e.data.id, e.data); });
    window.ask = (message, ms = 5000) => new Promise((resolve) => {
      document.getElementById('embed').contentWindow.postMessage(message, '*');
      const t0 = performance.now();
      const poll = () => {
        if (window.answers.has(message.id)) resolve({ ...window.answers.get(message.id), ms: performance.now() - t0 });
        else if (performance.now() - t0 > ms) resolve(null);
        else setTimeout(poll, 5);
      };
      poll();
    });
  });
  const first = await page.evaluate(() => window.ask({ type: 'convplay:getState', id: 'first' }, 60000));
  await ready(frame);
  const r = await page.evaluate(async () => {
    const hostileValues = window.__hostileValues;
    const start = (await window.ask({ type: 'convplay:getState', id: 'start' })).state;
    const problems = [];
    let n = 0, slowest = 0;
    for (const [i, key] of ['op', 'h', 'size', 'stride', 'padding', 'count_pad', 'values', 'step', 'speed', 'scene', 'out_h'].entries()) {
      for (const value of hostileValues(start.parameters[key], false, i)) {
        const id = `hostile-${n++}`;
        let a;
        try { a = await window.ask({ type: 'convplay:setState', state: { [key]: value }, id }); }
        catch (e) { problems.push(`${key}: cannot be posted (${e.message})`); continue; }
        if (!a) { problems.push(`${key} = ${String(value).slice(0, 20)}: no answer`); continue; }
        slowest = Math.max(slowest, a.ms);
        if (key !== 'out_h' && (a.ok || !a.error.includes(key))) problems.push(`${key} = ${String(value).slice(0, 20)}: ${a.ok ? 'accepted' : a.error}`);
        if (key === 'out_h' && !a.ok && !a.error.includes(key)) problems.push(`out_h: ${a.error}`);
      }
    }
    // Malformed messages: ignored, no answer.
    for (const m of [{ type: 'convplay:setState', state: 'h=5', id: 'bad-1' }, { type: 'convplay:setState', state: [1], id: 'bad-2' },
                     { type: 'convplay:setState', id: 'bad-3' }, { type: 'convplay:other', id: 'bad-4' }]) {
      if (await window.ask(m, 300)) problems.push(`${m.id} was answered`);
    }
    document.getElementById('embed').contentWindow.postMessage('just a string', '*');
    const end = (await window.ask({ type: 'convplay:getState', id: 'end' })).state;
    if (end.hash !== start.hash) problems.push(`the state changed: ${start.hash} → ${end.hash}`);
    return { problems, n, slowest };
  });
  check(`hostile messages: ${r.n} hostile setState messages from the parent are answered ok: false naming the key; malformed ones get no answer; state unchanged`,
        first && first.ok && r.problems.length === 0, r.problems.slice(0, 6).join(' | '));
  console.log(`# hostile messages: ${r.n} answered, slowest ${r.slowest.toFixed(1)} ms (message to answer)`);
  check(`hostile messages: every answer within ${SLOW_MS} ms`, r.slowest < SLOW_MS, `${r.slowest.toFixed(1)} ms`);
  check('hostile messages: no page errors', errors.length === 0, errors.join(' | '));
  await context.close();
}

// States that are allowed or near the limits but need much memory (or would): each is refused naming the
// key and the working-memory budget, or taken and drawn (shapes only, counts); never an abort.
export async function budgetChecks(browser, base, check) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/index.html#scene=modes`);
  await ready(page);
  const cases = [
    [{ scene: 'matmul', layer_size: 512, layer_c: 64, layer_m: 256, layer_k: 15 }, /^layer_size: .*working-memory budget of 256 MiB/],
    [{ scene: 'matmul', layer_size: 512, layer_c: 64, layer_m: 128, layer_k: 3 }, /^layer_size: .*(budget of 256 MiB|multiply-adds)/],
    [{ scene: 'train', model: 'stack', stack: 'conv1000k3p1,relu,conv1000k3p1,relu,flatten,dense100000,dense10', batch: 4096 }, /^stack: .*256 MiB/],
    [{ scene: 'train', model: 'lenet5', batch: 4096 }, /^batch: .*256 MiB/],
    [{ scene: 'modes', h: 4096, w: 4096, kh: 1024, kw: 1024, padding: 'full' }, null],
    [{ scene: 'modes', h: 4096, w: 4096, kh: 1, kw: 1, op: 'transposed', stride: 1024 }, null],
    [{ scene: 'params', h: 100000, w: 100000, c: 100000, filters: 100000, k: 1024, padding: 'full' }, null],
    [{ scene: 'architecture', c: 4096, h: 100000, w: 100000, stack: 'conv1000000k3p1,relu,conv1000000k3p1,flatten,dense1000000,dense10' }, null],
    [{ scene: 'features', size: 512, channels: 3, maps: 8, k: 7 }, null],
    [{ scene: 'pooling', n: 2048, size: 64, stride: 1, padding: 32 }, /^size: the pooling would read .* window values/],
    [{ scene: 'pooling', n: 2048, size: 2, stride: 2, padding: 0 }, null],
  ];
  for (const [partial, refusal] of cases) {
    const r = await page.evaluate((p) => {
      const t0 = performance.now();
      try { window.convplay.setState(p); return { ok: true, ms: performance.now() - t0 }; }
      catch (e) { return { ok: false, message: e.message, ms: performance.now() - t0 }; }
    }, partial);
    await page.waitForTimeout(1500); // the frames after it (the timing of a layer, the drawing of big grids)
    const st = await page.evaluate(() => window.convplay.state());
    const f0 = st.frames;
    await page.mouse.move(700, 400);
    await page.mouse.move(720, 430);
    await page.waitForTimeout(400);
    const f1 = await page.evaluate(() => window.convplay.state().frames);
    const what = JSON.stringify(partial).slice(0, 90);
    check(`budget: ${what}: ${refusal ? 'refused naming the key and the budget' : 'taken'}, the page keeps drawing, no abort (${r.ms.toFixed(0)} ms)`,
          !st.stopped && f1 > f0 && (refusal ? !r.ok && refusal.test(r.message) : r.ok),
          JSON.stringify({ result: r, stopped: st.stopped, frames: [f0, f1] }));
  }
  check('budget: no console errors', errors.length === 0, errors.slice(0, 5).join(' | '));
  await context.close();
}
