// Browser checks of an embed's robustness in pages nobody here controls (issue: hardening).
//   cspChecks:          the server's strict Content-Security-Policy; the page, its threads and the course
//                       page run under it with no violation reported.
//   siblingFrameChecks: only the parent drives an embed: a sibling frame's postMessage is ignored; the
//                       embed's height is sent once.
//   contextLossChecks:  WEBGL_lose_context: lost (no drawing, no GL errors), restored (same state drawn).
//   abortChecks:        the module running out of memory shows a message with a reload button.
//   wheelChecks:        the mouse wheel scrolls the app the right way, in the browser's units.
//   keyChecks:          key presses shorter than a frame reach the app.
import path from 'node:path';
import { ready } from './embed.mjs';
import { pngStats } from './pixels.mjs';

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
                   "img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'";

// Records what a page should never show: console errors and warnings, page errors, CSP violations
// (in every frame: the listener is an init script).
async function watch(context) {
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile || location.href}:${e.lineNumber}`);
    });
  });
  const log = { errors: [], warnings: [] };
  const listen = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') log.errors.push(m.text());
      if (m.type() === 'warning') log.warnings.push(m.text());
    });
    page.on('pageerror', (e) => log.errors.push(e.message));
  };
  return { log, listen };
}
const violationsIn = async (frames) => {
  const all = [];
  for (const f of frames) all.push(...await f.evaluate(() => window.__violations || []).catch(() => []));
  return all;
};

export async function cspChecks(browser, isolatedBase, plainBase, check, artifacts) {
  for (const [label, base] of [['isolated', isolatedBase], ['no-isolation', plainBase]]) {
    for (const file of ['/', '/web/loader.js', '/build/wasm-mt/bin/convplay_app.worker.js', '/web/course.html']) {
      const r = await fetch(base + file);
      check(`csp: ${label}: ${file} is sent with the strict CSP and nosniff`,
            r.status === 200 && r.headers.get('content-security-policy') === CSP && r.headers.get('x-content-type-options') === 'nosniff',
            `${r.status} ${r.headers.get('content-security-policy')}`);
    }
  }
  // The page with threads under the CSP.
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const { log, listen } = await watch(context);
  const page = await context.newPage();
  listen(page);
  await page.goto(`${isolatedBase}/index.html#scene=pooling`);
  let st;
  try { st = await ready(page); } catch (e) { st = { error: e.message }; }
  check('csp: the threaded page runs under the CSP (threads > 0)', st.threads > 0 && st.build === 'threads', JSON.stringify({ threads: st.threads, build: st.build, error: st.error }));
  // A scene that fetches its sample picture (connect-src) and draws it.
  await page.evaluate(() => window.convplay.setState({ scene: 'color' }));
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(artifacts, 'browser-csp.png') });
  const violations = await violationsIn([page]);
  check('csp: no CSP violation and a clean console', violations.length === 0 && log.errors.length === 0,
        [...violations, ...log.errors].join(' | '));
  // The example course page under the same CSP: its embeds are same-origin, so frame-src 'self' allows them.
  await page.goto(`${isolatedBase}/web/course.html`);
  const frame = await (await page.$('#embed-modes')).contentFrame();
  await page.evaluate(() => document.getElementById('embed-modes').scrollIntoView({ block: 'center' }));
  let es;
  try { es = await ready(frame); } catch (e) { es = { error: e.message }; }
  const courseViolations = await violationsIn(page.frames());
  check('csp: the course page and its embed run under the CSP', es.scene === 'modes' && courseViolations.length === 0 && log.errors.length === 0,
        JSON.stringify({ scene: es.scene, error: es.error, violations: courseViolations, errors: log.errors }));
  await context.close();
}

export async function siblingFrameChecks(browser, courseBase, embedBase, check) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${courseBase}/web/course.html`);
  // Another frame on the course page, as an advert would be: same origin as the course page, not its parent.
  await page.evaluate(() => {
    const ad = document.createElement('iframe');
    ad.id = 'advert';
    ad.srcdoc = '<p>An advert</p>';
    document.body.insertBefore(ad, document.body.firstChild);
  });
  const handle = await page.$('#embed-modes');
  await page.evaluate(() => document.getElementById('embed-modes').scrollIntoView({ block: 'center' }));
  const embed = await handle.contentFrame();
  await embed.waitForURL(/^http/, { timeout: 15000 }).catch(() => {});
  const before = await ready(embed);
  await page.waitForTimeout(1500);
  const heights = await page.evaluate(() => window.courseMessages.filter((m) => m.frame === 'embed-modes' && m.type === 'convplay:height').map((m) => m.height));
  const wanted = await embed.evaluate(() => window.convplay.state().preferred_height);
  check('hardening: an embed sends its height once, when the layout has settled (the iframe does not jump)',
        heights.length === 1 && heights[0] === wanted, `sent ${heights.join(', ')}; the scene wants ${wanted}`);
  const advert = await (await page.$('#advert')).contentFrame();
  // Replies would go to the parent (the course page logs them) and to the sender: listen in the advert too.
  const sent = await advert.evaluate(() => {
    window.replies = [];
    window.addEventListener('message', (e) => window.replies.push(e.data));
    const target = parent.document.getElementById('embed-modes').contentWindow;
    target.postMessage({ type: 'convplay:setState', state: { padding: 'full' }, id: 'advert-1' }, '*');
    target.postMessage({ type: 'convplay:getState', id: 'advert-2' }, '*');
    return true;
  });
  // Another embed of the playground (same origin as the target) tries too.
  await page.evaluate(() => document.getElementById('embed-params').scrollIntoView({ block: 'center' }));
  const other = await (await page.$('#embed-params')).contentFrame();
  await other.waitForURL(/^http/, { timeout: 15000 }).catch(() => {});
  await other.waitForFunction(() => !!window.convplay, null, { timeout: 30000 });
  await other.evaluate(() => window.parent.frames[1].postMessage({ type: 'convplay:setState', state: { padding: 'full' }, id: 'sibling-1' }, '*'));
  await page.waitForTimeout(1500);
  const after = await embed.evaluate(() => window.convplay.state());
  const answered = await page.evaluate(() => window.courseMessages.filter((m) => typeof m.id === 'string' && /^(advert|sibling)/.test(m.id)));
  const advertReplies = await advert.evaluate(() => window.replies.length);
  check("hardening: a sibling frame's setState and getState are ignored (state unchanged, no reply)",
        sent && before.padding === 'valid' && after.padding === 'valid' && after.out_w === before.out_w && answered.length === 0 && advertReplies === 0,
        JSON.stringify({ before: before.padding, after: after.padding, answered, advertReplies }));
  // The parent's message is taken.
  await page.evaluate(() => document.getElementById('embed-modes').contentWindow.postMessage(
    { type: 'convplay:setState', state: { padding: 'full' }, id: 'parent-1' }, '*'));
  await page.waitForFunction(() => window.courseMessages.some((m) => m.id === 'parent-1'), null, { timeout: 5000 }).catch(() => {});
  const taken = await embed.evaluate(() => window.convplay.state());
  check("hardening: the parent's setState is taken", taken.padding === 'full' && taken.out_w === before.w + before.kw - 1,
        JSON.stringify({ padding: taken.padding, out_w: taken.out_w }));
  check('hardening: sibling frames: no page errors', errors.length === 0, errors.join(' | '));
  await context.close();
}

// The scene area (right of the scene list) as a PNG, and its statistics.
async function regionStats(browser, page, file, clip) {
  await page.screenshot({ path: file, clip });
  return pngStats(browser, file);
}

export async function contextLossChecks(browser, base, check, artifacts) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const { log, listen } = await watch(context);
  const page = await context.newPage();
  listen(page);
  // color: a picture (RgbView), kernels and outputs (TensorView), text (ImGui's font atlas).
  await page.goto(`${base}/index.html#scene=color`);
  await ready(page);
  await page.mouse.move(5, 690); // a corner with nothing to hover, for the same picture twice
  await page.waitForTimeout(1500); // the sample picture is fetched
  const [x0, y0, x1, y1] = (await page.evaluate(() => window.convplay.state())).layout.scene; // CSS px at ratio 1
  const clip = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  const s0 = await regionStats(browser, page, path.join(artifacts, 'browser-context-before.png'), clip);
  const before = await page.evaluate(() => window.convplay.state());
  const warningsBefore = log.warnings.length;
  await page.evaluate(() => {
    const canvas = document.getElementById('canvas');
    window.__glEvents = [];
    for (const type of ['webglcontextlost', 'webglcontextrestored']) {
      canvas.addEventListener(type, (e) => window.__glEvents.push({ type, prevented: e.defaultPrevented }));
    }
    window.__lose = canvas.getContext('webgl2').getExtension('WEBGL_lose_context');
    window.__lose.loseContext();
  });
  await page.waitForFunction(() => window.__glEvents.length >= 1, null, { timeout: 5000 }).catch(() => {});
  const lost = await page.evaluate(() => window.__glEvents);
  check('context loss: webglcontextlost arrives and the app prevents its default (so it can be restored)',
        lost.length === 1 && lost[0].type === 'webglcontextlost' && lost[0].prevented, JSON.stringify(lost));
  // While lost: input and the page API keep working, nothing is drawn, nothing throws.
  const f0 = await page.evaluate(() => window.convplay.state().frames);
  await page.mouse.move(600, 300);
  await page.mouse.move(620, 320);
  await page.evaluate(() => window.convplay.state());
  await page.waitForTimeout(600);
  const f1 = await page.evaluate(() => window.convplay.state().frames);
  await page.mouse.move(5, 690);
  check('context loss: while lost, no frame is drawn and nothing throws', f1 === f0 && log.errors.length === 0,
        `frames ${f0} → ${f1}; ${log.errors.join(' | ')}`);
  await page.evaluate(() => window.__lose.restoreContext());
  await page.waitForFunction(() => window.__glEvents.length >= 2, null, { timeout: 5000 }).catch(() => {});
  await page.waitForTimeout(800);
  const after = await page.evaluate(() => window.convplay.state());
  check('context loss: restored: the same state (hash) and frames advance',
        after.hash === before.hash && after.frames > f1, `hash ${before.hash} → ${after.hash}; frames ${f1} → ${after.frames}`);
  const s1 = await regionStats(browser, page, path.join(artifacts, 'browser-context-restored.png'), clip);
  check('context loss: restored: the scene is drawn again as before (pixel statistics of the scene area)',
        s1.variance > 50 && Math.abs(s1.mean - s0.mean) < 1 && Math.abs(s1.variance - s0.variance) < 0.02 * s0.variance && s1.colours >= 0.9 * s0.colours,
        `before ${JSON.stringify(s0)}, after ${JSON.stringify(s1)}`);
  // Textures made after the restore follow new state (a view whose texture was re-made, then changed).
  await page.evaluate(() => window.convplay.setState({ scene: 'modes' }));
  await page.waitForTimeout(400);
  const s2 = await regionStats(browser, page, path.join(artifacts, 'browser-context-restored-modes.png'), clip);
  check('context loss: restored: another scene draws (modes grids)', s2.variance > 50 && s2.colours > 16, JSON.stringify(s2));
  const glWarnings = log.warnings.slice(warningsBefore).filter((w) => /WebGL|GL_|INVALID/.test(w) && !/loseContext/.test(w));
  check('context loss: no GL errors or warnings, no console errors', glWarnings.length === 0 && log.errors.length === 0,
        [...glWarnings, ...log.errors].join(' | '));
  await context.close();
}

// Runs out of memory for real: the test takes the module (the object createConvplay is given becomes
// the module) and allocates until malloc fails; the app's next allocation then cannot be served.
export async function abortChecks(browser, base, check, artifacts) {
  for (const how of ['frame', 'setState']) {
    const context = await browser.newContext({ viewport: { width: 900, height: 600 } });
    const page = await context.newPage();
    await page.addInitScript(() => {
      let factory;
      Object.defineProperty(window, 'createConvplay', {
        configurable: true,
        get: () => factory && ((moduleArg) => { window.__module = moduleArg; return factory(moduleArg); }),
        set: (f) => { factory = f; },
      });
    });
    await page.goto(`${base}/index.html#scene=modes`);
    await ready(page);
    const held = await page.evaluate(() => {
      const m = window.__module;
      let bytes = 0;
      for (let size = 2 ** 29; size >= 8; size /= 2) {
        for (let p = m._malloc(size); p; p = m._malloc(size)) bytes += size;
      }
      return bytes;
    });
    let thrown = '';
    if (how === 'frame') { // a new scene's first frame allocates its views
      await page.mouse.click(60, 184); // the scene list: 'Pooling'
    } else {
      thrown = await page.evaluate(() => {
        try { window.convplay.setState({ scene: 'architecture', stack: 'conv6k5,relu,pool2,conv16k5,relu,pool2,flatten,dense120,dense84,dense10' }); return 'no error'; }
        catch (e) { return e instanceof Error ? e.message : 'not an Error'; }
      });
    }
    await page.waitForTimeout(800);
    const shown = await page.evaluate(() => {
      const overlay = document.getElementById('overlay');
      const button = document.getElementById('reload');
      return { visible: getComputedStyle(overlay).display !== 'none', text: overlay.innerText,
               button: !!button && getComputedStyle(button).display !== 'none', stopped: window.convplay.state().stopped || '' };
    });
    await page.screenshot({ path: path.join(artifacts, `browser-abort-${how}.png`) });
    check(`abort (${how}): out of memory (${Math.round(held / 2 ** 20)} MB held) shows a message with a reload button`,
          shown.visible && /The playground stopped/.test(shown.text) && /internal error: \S/.test(shown.text) && /Reload/.test(shown.text) && shown.button && shown.stopped !== '' &&
          (how === 'frame' || /The playground stopped/.test(thrown)),
          JSON.stringify({ ...shown, thrown }));
    if (how === 'setState') {
      const later = await page.evaluate(() => { try { window.convplay.setState({ k: 3 }); return 'no error'; } catch (e) { return e.message; } });
      check('abort: later setState calls throw that the playground stopped', /stopped/.test(later), later);
      await page.click('#reload');
      await page.waitForLoadState('load');
      const again = await ready(page).catch((e) => ({ error: e.message }));
      check('abort: the reload button starts the playground again on the same address', again.scene === 'architecture' || again.scene === 'modes',
            JSON.stringify({ scene: again.scene, error: again.error }));
    }
    await context.close();
  }
}

async function wheelAt(page, x, y, dy, mode = 0) {
  if (mode === 0) {
    await page.mouse.move(x, y);
    await page.mouse.wheel(0, dy);
  } else {
    await page.evaluate(({ x, y, dy, mode }) => document.getElementById('canvas').dispatchEvent(
      new WheelEvent('wheel', { deltaY: dy, deltaMode: mode, clientX: x, clientY: y, bubbles: true, cancelable: true })), { x, y, dy, mode });
  }
  await page.waitForTimeout(300);
  return page.evaluate(() => window.convplay.state().scroll_y);
}

export async function wheelChecks(browser, base, check, artifacts) {
  for (const [scene, width, height] of [['architecture', 1280, 800], ['modes', 600, 400]]) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.goto(`${base}/index.html#scene=${scene}`);
    await ready(page);
    await page.waitForTimeout(300); // the first frames lay the scene out
    const st = await page.evaluate(() => window.convplay.state());
    const x = Math.round(width * 0.7), y = Math.round(height * 0.5);
    const label = `wheel: ${scene} at ${width}×${height}`;
    check(`${label}: the scene is taller than its window`, st.scroll_max_y > 200 && st.scroll_y === 0, JSON.stringify({ max: st.scroll_max_y, y: st.scroll_y }));
    // One notch down (100 pixels, as Chromium sends a notch) scrolls down by ImGui's step, 5 lines of 16 px.
    const one = await wheelAt(page, x, y, 100);
    const two = await wheelAt(page, x, y, 100);
    check(`${label}: a notch down scrolls down one step (80 px), two notches two`, one === 80 && two === 160, `${one}, ${two}`);
    const up = await wheelAt(page, x, y, -100);
    check(`${label}: a notch up scrolls back up`, up === 80, String(up));
    const small = await wheelAt(page, x, y, 25); // a trackpad's small pixel delta: a quarter step
    check(`${label}: a small trackpad delta scrolls a little (25 px of wheel = 20 px)`, small === 100, String(small));
    const lines = await wheelAt(page, x, y, 3, 1); // DOM_DELTA_LINE: 3 lines are one notch
    check(`${label}: 3 lines (deltaMode 1) scroll one step`, lines === 180, String(lines));
    await page.screenshot({ path: path.join(artifacts, `browser-wheel-${scene}.png`) });
    const pageDown = await wheelAt(page, x, y, 1, 2); // DOM_DELTA_PAGE: far more than the scene
    const max = await page.evaluate(() => window.convplay.state().scroll_max_y);
    // Within a pixel: ImGui places items at whole pixels below a fractional scroll, so the content's height
    // (and the end) can move by less than a pixel between the frame that clamps the scroll and the next.
    check(`${label}: a page (deltaMode 2) scrolls to the end`, Math.abs(pageDown - max) <= 1, `${pageDown} of ${max}`);
    await context.close();
  }
}

// Key presses shorter than a frame (automation, assistive input, a quick tap). ImGui 1.86 reads keys once
// per frame, so the platform layer queues them. Here every event of a sequence is dispatched in one task
// (so all of them fall between two frames), as the keyboard events Emscripten's GLFW reads: keyCode for
// keydown/keyup, charCode for keypress (the constructor takes neither, so they are defined on the event).
export async function sendKeys(page, steps) {
  await page.evaluate((steps) => {
    const fire = (type, code, char) => {
      const e = new KeyboardEvent(type, { bubbles: true, cancelable: true });
      Object.defineProperty(e, 'keyCode', { get: () => code });
      Object.defineProperty(e, 'charCode', { get: () => char });
      window.dispatchEvent(e);
    };
    for (const s of steps) {
      if (typeof s === 'number') { fire('keydown', s, 0); fire('keyup', s, 0); continue; } // a key: its keyCode
      for (const ch of s) { // text: keydown, keypress (the character), keyup, as a browser sends a letter
        const code = ch.toUpperCase().charCodeAt(0);
        fire('keydown', code, 0); fire('keypress', 0, ch.charCodeAt(0)); fire('keyup', code, 0);
      }
    }
  }, steps);
}

export async function keyChecks(browser, base, check) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/index.html#scene=architecture`);
  const st = await ready(page);
  await page.waitForTimeout(300);
  await page.mouse.click(600, 334); // the layers field (in the controls column, beside the picture)
  await page.waitForTimeout(300);
  const [END, BACKSPACE, ENTER] = [35, 8, 13];
  await sendKeys(page, [END, ...Array(',dense10'.length).fill(BACKSPACE), ENTER]);
  // One frame per key change, and frames are slow under SwiftShader: wait for the result (10 s at most).
  await page.waitForFunction((n) => window.convplay.state().layers !== n, st.layers, { timeout: 10000 }).catch(() => {});
  const after = await page.evaluate(() => window.convplay.state());
  check('keys: presses shorter than a frame are not lost (End, 8 × Backspace, Enter in one task edit the layers field)',
        st.stack.endsWith(',relu,dense10') && after.stack === st.stack.slice(0, -',dense10'.length) && after.layers === st.layers - 1,
        `${st.stack} → ${after.stack} (${after.layers} layers)`);
  // Typed text and keys keep their order: Backspace after '7' deletes the '7', not the '5' typed after it.
  await page.mouse.click(600, 334);
  await page.waitForTimeout(300);
  await sendKeys(page, [END, ',dense7', BACKSPACE, '5', ENTER]);
  await page.waitForFunction((n) => window.convplay.state().layers !== n, after.layers, { timeout: 10000 }).catch(() => {});
  const typed = await page.evaluate(() => window.convplay.state());
  check('keys: typed characters and keys keep their order (",dense7", Backspace, "5", Enter in one task)',
        typed.stack === after.stack + ',dense5' && typed.layers === after.layers + 1, typed.stack);
  await context.close();
}
