// Browser checks of the address hash and of embedding (issue: embedding in course pages).
//   addressChecks: every scene's parameters round-trip through the hash; a bad hash gives defaults and a notice.
//   courseChecks:  web/course.html from one server (its embeds pointed at the other, as a course site points at
//                  wherever the playground is hosted), the embeds from another (cross-origin, no isolation):
//                  all three run without threads, the wheel scrolls the page until the embed is clicked, Tab
//                  leaves the embed, keys typed on the page stay there, postMessage changes the state.
//   manyEmbedsCheck: a page with 20 embeds starts only the ones in view.
import path from 'node:path';

export async function ready(frameOrPage, timeout = 60000) {
  await frameOrPage.waitForFunction(() => !!window.convplay, null, { timeout }); // the loader has run
  return frameOrPage.evaluate((ms) => Promise.race([
    window.convplay.ready.then(() => window.convplay.state()),
    new Promise((_, reject) => setTimeout(() => reject(new Error('not ready in time')), ms)),
  ]), timeout);
}

export async function addressChecks(browser, base, check, artifacts) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/index.html`);
  const first = await ready(page);
  // Non-default values where we know them; every scene's own parameters in any case.
  const changes = { modes: { n: 7, k: 5, stride: 2, padding: 'same', flip: true },
                    params: { h: 28, w: 28, c: 1, k: 3, filters: 16, padding: 'same' } };
  for (const scene of first.scenes) {
    const before = await page.evaluate(({ scene, change }) => window.convplay.setState({ scene, ...change }),
                                       { scene, change: changes[scene] || {} });
    const fresh = await context.newPage();
    await fresh.goto(`${base}/index.html#${before.hash}`);
    const after = await ready(fresh);
    const keys = [...new URLSearchParams(before.hash).keys()];
    const differ = keys.filter((k) => k !== 'scene' && JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    check(`address: scene ${scene} round-trips through the hash (${keys.length - 1} parameters)`,
          after.scene === scene && keys.length > 1 && differ.length === 0 && after.hash === before.hash && after.notice === '',
          `hash ${before.hash} → ${after.hash}; differ: ${differ.join(',')}; notice: ${after.notice}`);
    // The address bar follows the state (replaceState, not new history entries).
    if (scene === 'modes') {
      const historyBefore = await fresh.evaluate(() => history.length);
      await fresh.evaluate(() => window.convplay.setState({ k: 3 }));
      await fresh.waitForTimeout(600);
      const loc = await fresh.evaluate(() => ({ hash: location.hash, length: history.length }));
      check('address: the hash follows setState without adding history entries',
            /[#&]kh=3(&|$)/.test(loc.hash) && loc.length === historyBefore, JSON.stringify(loc));
      // Editing the address applies it.
      await fresh.evaluate(() => { location.hash = 'scene=modes&n=9&k=3&stride=1&padding=full'; });
      await fresh.waitForTimeout(400);
      const edited = await fresh.evaluate(() => window.convplay.state());
      check('address: an edited hash is applied (hashchange)', edited.out_w === 11 && edited.w === 9, JSON.stringify({ w: edited.w, out_w: edited.out_w }));
    }
    await fresh.close();
  }
  const bad = await context.newPage();
  await bad.goto(`${base}/index.html#scene=params&k=abc&zzz=1&filters=32&theme=purple&<b>=x`);
  const st = await ready(bad);
  check('address: a bad hash keeps the good keys, defaults the rest and says so',
        st.scene === 'params' && st.filters === 32 && st.k === 5 && /k must be a whole number/.test(st.notice) &&
        /unknown key 'zzz'/.test(st.notice) && /theme must be light or dark/.test(st.notice), JSON.stringify({ k: st.k, filters: st.filters, notice: st.notice }));
  check('address: nothing from the hash becomes HTML', await bad.evaluate(() => document.querySelectorAll('b').length === 0));
  await bad.waitForTimeout(300);
  await bad.screenshot({ path: path.join(artifacts, 'browser-bad-hash.png') });
  const unknown = await context.newPage();
  await unknown.goto(`${base}/index.html#scene=nope`);
  const su = await ready(unknown);
  check('address: an unknown scene opens the first scene with a notice', su.scene === su.scenes[0] && /unknown scene 'nope'/.test(su.notice), su.notice);
  const dark = await context.newPage();
  await dark.goto(`${base}/index.html#scene=params&nav=0&theme=dark`);
  const sd = await ready(dark);
  check('address: author options stay in the hash', /nav=0/.test(sd.hash) && /theme=dark/.test(sd.hash), sd.hash);
  await dark.waitForTimeout(300);
  await dark.screenshot({ path: path.join(artifacts, 'browser-dark-nav0.png') });
  check('address: no page errors', errors.length === 0, errors.join(' | '));
  await context.close();
}

export async function courseChecks(browser, courseBase, embedBase, check, artifacts) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${courseBase}/web/course.html`);
  const ids = ['embed-modes', 'embed-params', 'embed-pooling'];
  const states = {};
  for (const id of ids) {
    const handle = await page.$(`#${id}`);
    await handle.scrollIntoViewIfNeeded();
    await page.evaluate((i) => document.getElementById(i).scrollIntoView({ block: 'center' }), id);
    const frame = await handle.contentFrame();
    // A lazy iframe may not have started its navigation yet (its URL is then empty).
    if (frame) await frame.waitForURL(/^http/, { timeout: 15000 }).catch(() => {});
    check(`course: ${id} is cross-origin`, frame && new URL(frame.url()).origin !== new URL(courseBase).origin, frame && frame.url());
    try { states[id] = await ready(frame); } catch (e) { states[id] = { error: e.message }; }
    const s = states[id];
    check(`course: ${id} runs without threads (threads === 0, single build)`, s.threads === 0 && s.build === 'single', JSON.stringify({ threads: s.threads, build: s.build, error: s.error }));
  }
  check('course: the embeds show what their addresses configure',
        states['embed-modes'].out_w === 3 && states['embed-params'].conv_weights === 4800 && states['embed-pooling'].scene === 'pooling',
        JSON.stringify({ modes: states['embed-modes'].out_w, params: states['embed-params'].conv_weights, pooling: states['embed-pooling'].scene }));
  // Wheel over the (unfocused) first embed scrolls the course page.
  await page.evaluate(() => document.getElementById('embed-modes').scrollIntoView({ block: 'center' }));
  await page.waitForTimeout(200);
  const box = await (await page.$('#embed-modes')).boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  const y0 = await page.evaluate(() => window.scrollY);
  await page.mouse.wheel(0, 240);
  await page.waitForTimeout(400);
  const y1 = await page.evaluate(() => window.scrollY);
  check('course: wheel over an embed that has not been clicked scrolls the page', y1 > y0, `${y0} → ${y1}`);
  // After a click into it, the wheel belongs to the embed.
  await page.evaluate(() => document.getElementById('embed-modes').scrollIntoView({ block: 'center' }));
  await page.waitForTimeout(200);
  const box2 = await (await page.$('#embed-modes')).boundingBox();
  await page.mouse.click(box2.x + box2.width * 0.6, box2.y + box2.height * 0.5);
  await page.waitForTimeout(200);
  const frame = await (await page.$('#embed-modes')).contentFrame();
  check('course: a click gives the embed the keyboard focus', await frame.evaluate(() => document.activeElement === document.getElementById('canvas')));
  const y2 = await page.evaluate(() => window.scrollY);
  await page.mouse.wheel(0, 240);
  await page.waitForTimeout(400);
  const y3 = await page.evaluate(() => window.scrollY);
  check('course: after a click the wheel goes to the embed, not the page', y3 === y2, `${y2} → ${y3}`);
  // Tab leaves the embed.
  await page.keyboard.press('Tab');
  await page.waitForTimeout(200);
  const inside = await frame.evaluate(() => document.activeElement === document.getElementById('canvas'));
  const outside = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check('course: Tab moves the focus out of the embed', !inside && outside === 'try-same', `focus on ${outside}`);
  // Keys typed on the page stay on the page (Backspace included).
  await page.focus('#notes');
  await page.keyboard.type('abc');
  await page.keyboard.press('Backspace');
  check('course: typing and Backspace on the page are not swallowed', (await page.inputValue('#notes')) === 'ab');
  // postMessage from the parent: the button sends {type:'convplay:setState', state:{padding:'same'}}.
  await page.click('#try-same');
  await page.waitForFunction(() => window.courseMessages.some((m) => m.type === 'convplay:result' && m.frame === 'embed-modes'), null, { timeout: 5000 }).catch(() => {});
  const same = await frame.evaluate(() => window.convplay.state());
  check('course: postMessage from the parent sets the state (padding same → 5×5)', same.padding === 'same' && same.out_w === 5, JSON.stringify({ padding: same.padding, out_w: same.out_w }));
  await page.evaluate(() => {
    const f = document.getElementById('embed-modes').contentWindow;
    f.postMessage('garbage', '*'); f.postMessage({ type: 'convplay:setState', state: 5 }, '*'); f.postMessage(null, '*');
    f.postMessage({ type: 'convplay:setState', state: { scene: 'pooling' }, id: 'p1' }, '*');
  });
  await page.waitForFunction(() => window.courseMessages.some((m) => m.id === 'p1'), null, { timeout: 5000 }).catch(() => {});
  const changed = await frame.evaluate(() => window.convplay.state().scene);
  const results = await page.evaluate(() => window.courseMessages.filter((m) => m.type === 'convplay:result'));
  check('course: postMessage changes the scene; malformed messages are ignored', changed === 'pooling' && results.length === 2 && results.every((r) => r.ok),
        JSON.stringify(results));
  const kinds = await page.evaluate(() => [...new Set(window.courseMessages.map((m) => m.type))]);
  check('course: embeds report ready, state and height', ['convplay:ready', 'convplay:state', 'convplay:height'].every((k) => kinds.includes(k)), kinds.join(','));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'browser-course.png') });
  check('course: no page errors', errors.length === 0, errors.join(' | '));
  await context.close();
}

export async function manyEmbedsCheck(browser, embedBase, check) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
  const page = await context.newPage();
  const frames = Array.from({ length: 20 }, (_, i) =>
    `<p>Paragraph ${i}</p><iframe src="${embedBase}/index.html#scene=modes&amp;n=${5 + i}&amp;nav=0" width="800" height="500" ` +
    `loading="lazy" title="embed ${i}" style="display:block"></iframe>`).join('\n');
  await page.setContent(`<!doctype html><body style="margin:0">${frames}</body>`);
  // Running embeds (a lazy iframe not yet loaded has no document to ask: it counts as not running).
  const live = async () => {
    let n = 0;
    for (const f of page.frames()) {
      if (f === page.mainFrame() || !f.url().startsWith(embedBase)) continue;
      const running = await Promise.race([
        f.evaluate(() => !!(window.convplay && !window.convplay.state().loading)).catch(() => false),
        new Promise((resolve) => setTimeout(() => resolve(false), 2000))]);
      if (running) n++;
    }
    return n;
  };
  let atTop = 0; // the first embed is in view: it starts (wait for it, up to 30 s on a busy machine)
  for (let t = 0; t < 30 && atTop === 0; ++t) {
    await page.waitForTimeout(1000);
    atTop = await live();
  }
  let most = atTop;
  for (let y = 0; y < 20 * 540; y += 700) { // scroll through the page quickly
    await page.evaluate((v) => window.scrollTo(0, v), y);
    await page.waitForTimeout(150);
  }
  await page.waitForTimeout(3000);
  most = Math.max(most, await live());
  check('20 embeds on one page: at most 3 run at once (the rest show previews)', atTop >= 1 && most <= 3, `at top ${atTop}, most ${most}`);
  await context.close();
}

// Touch (a phone or tablet): before a tap, one finger over an embed scrolls the course page and leaves
// the embed alone; a tap gives it the focus; then one finger drags its sliders (Emscripten 3.1.6's GLFW
// takes no position from touch events: web/loader.js turns one finger into the mouse); two fingers
// (a pinch) break nothing. The top-level page is focused from the start, so there a drag moves a slider.
export async function touchChecks(browser, courseBase, embedBase, check) {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cdp = await context.newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points });
  const drag = async (x0, y0, x1, y1) => {
    await touch('touchStart', [{ x: x0, y: y0 }]);
    for (let i = 1; i <= 10; ++i) {
      await touch('touchMove', [{ x: x0 + ((x1 - x0) * i) / 10, y: y0 + ((y1 - y0) * i) / 10 }]);
      await page.waitForTimeout(30);
    }
    await touch('touchEnd', []);
    await page.waitForTimeout(400);
  };
  // 1. The top-level playground at 800×600 (narrow: picture first, controls below, the scene list a menu):
  // input height H's slider grab is at (62, 564); the menu opens at (130, 20) and lists Pooling at (40, 158).
  await page.goto(`${embedBase}/index.html#scene=modes`);
  await page.waitForFunction(() => window.convplay && window.convplay.state().frames > 0, null, { timeout: 30000 });
  const h0 = await page.evaluate(() => window.convplay.state().h);
  await drag(62, 564, 200, 564);
  const h1 = await page.evaluate(() => window.convplay.state().h);
  check('touch: one finger drags a slider (input height H)', h0 === 5 && h1 > h0, `${h0} → ${h1}`);
  await page.touchscreen.tap(130, 20);
  await page.waitForTimeout(400);
  await page.touchscreen.tap(40, 158);
  await page.waitForTimeout(300);
  const scene = await page.evaluate(() => window.convplay.state().scene);
  check('touch: a tap picks a scene from the list', scene === 'pooling', scene);
  // 2. The course page with its embeds.
  await page.goto(`${courseBase}/web/course.html`);
  const handle = await page.$('#embed-modes');
  await page.evaluate(() => document.getElementById('embed-modes').scrollIntoView({ block: 'center' }));
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => window.convplay && window.convplay.state().frames > 0, null, { timeout: 30000 });
  // The course page sizes the iframe when the embed sends its height: after that its layout stays put.
  await page.waitForFunction(() => window.courseMessages.some((m) => m.frame === 'embed-modes' && m.type === 'convplay:height'),
                             null, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);
  const box = await handle.boundingBox();
  const cx = box.x + box.width * 0.6, cy = box.y + box.height * 0.5;
  const before = await frame.evaluate(() => JSON.stringify(window.convplay.state()).replace(/"frames(_drawn)?":\d+,?/g, ''));
  const y0 = await page.evaluate(() => window.scrollY);
  await drag(cx, cy + 120, cx, cy - 120);
  const y1 = await page.evaluate(() => window.scrollY);
  const after = await frame.evaluate(() => JSON.stringify(window.convplay.state()).replace(/"frames(_drawn)?":\d+,?/g, ''));
  const focusedEarly = await frame.evaluate(() => document.activeElement === document.getElementById('canvas'));
  check('touch: a finger over an embed not yet tapped scrolls the page, not the embed',
        y1 > y0 && before === after && !focusedEarly, `scrollY ${y0} → ${y1}, focused ${focusedEarly}, state ${before === after ? 'same' : 'changed'}`);
  const box2 = await handle.boundingBox();
  await page.touchscreen.tap(box2.x + box2.width * 0.6, box2.y + box2.height * 0.5);
  await page.waitForTimeout(300);
  check('touch: a tap gives the embed the focus', await frame.evaluate(() => document.activeElement === document.getElementById('canvas')));
  const y2 = await page.evaluate(() => window.scrollY);
  await drag(box2.x + box2.width * 0.6, box2.y + box2.height * 0.5 + 60, box2.x + box2.width * 0.6, box2.y + box2.height * 0.5 - 60);
  const y3 = await page.evaluate(() => window.scrollY);
  check('touch: after the tap a finger belongs to the embed (the page does not scroll)', y3 === y2, `${y2} → ${y3}`);
  // A pinch: two fingers down, apart, up; then a tap still works and nothing threw.
  const px = box2.x + box2.width * 0.5, py = box2.y + box2.height * 0.5;
  await touch('touchStart', [{ x: px - 20, y: py, id: 1 }, { x: px + 20, y: py, id: 2 }]);
  for (let i = 1; i <= 5; ++i) await touch('touchMove', [{ x: px - 20 - 10 * i, y: py, id: 1 }, { x: px + 20 + 10 * i, y: py, id: 2 }]);
  await touch('touchEnd', []);
  await page.waitForTimeout(300);
  const alive = await frame.evaluate(() => window.convplay.state().scene);
  check('touch: a pinch over the embed breaks nothing', alive === 'modes' && errors.length === 0, `${alive} ${errors.join(' | ')}`);
  await context.close();
}
