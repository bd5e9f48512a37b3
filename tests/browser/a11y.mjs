// Keyboard and page-API checks for students who do not use a mouse (issue 16): the app's shortcuts, Esc
// leaving the embed, keyboard navigation reaching and operating controls, and setState(state()).
import { ready } from './embed.mjs';
import { sendKeys } from './hardening.mjs';

const [K, COMMA, PERIOD, ENTER, SPACE, RIGHT, DOWN] = [75, 188, 190, 13, 32, 39, 40];

// Sends keys, then lets the app draw a few frames (slow under SwiftShader) and returns state().
async function afterKeys(page, keys) {
  const frames = await page.evaluate(() => window.convplay.state().frames);
  await sendKeys(page, keys);
  await page.waitForFunction((f) => window.convplay.state().frames >= f + 4, frames, { timeout: 10000, polling: 200 }).catch(() => {});
  await page.waitForTimeout(500);
  const st = await page.evaluate(() => window.convplay.state()); return st;
}

// Keyboard navigation, one key at a time (each needs a frame or two), from the canvas's focus; state() after.
async function navigate(page, scene, keys) {
  const origin = new URL(page.url()).origin;
  await page.goto('about:blank'); // then a fresh page (only the hash changing would not reload): no focus yet
  await page.goto(`${origin}/index.html#scene=${scene}`);
  await ready(page);
  await page.locator('#canvas').focus();
  await page.waitForTimeout(1000);
  for (const k of keys) {
    await sendKeys(page, [k]);
    await page.waitForTimeout(700);
  }
  return page.evaluate(() => window.convplay.state());
}

export async function a11yChecks(browser, base, check) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/index.html#scene=modes`);
  const st = await ready(page);

  // setState(state()) in every scene: the read-only keys ("scenes": an array) are taken back.
  const refused = [];
  for (const id of st.scenes) {
    const err = await page.evaluate((id) => {
      try { window.convplay.setState({ scene: id }); window.convplay.setState(window.convplay.state()); return ''; }
      catch (e) { return e.message; }
    }, id);
    if (err) refused.push(`${id}: ${err}`);
  }
  check('setState(state()) is accepted in every scene', refused.length === 0 && st.scenes.length >= 6, refused.join('; '));

  await page.evaluate(() => window.convplay.setState({ scene: 'modes', playing: false, step: 0 }));
  await page.locator('#canvas').focus();
  await page.waitForTimeout(1000);
  // Shortcuts of the window animation: K plays and pauses, '.' and ',' step (',' is keyCode 188 in a
  // browser; Emscripten's GLFW turns it into GLFW_KEY_COMMA, 44).
  let s = await afterKeys(page, [PERIOD]);
  check('keys: "." steps the window forward', s.step === 1, `step ${s.step}`);
  s = await afterKeys(page, [COMMA]);
  check('keys: "," steps it back', s.step === 0, `step ${s.step}`);
  s = await afterKeys(page, [K]);
  check('keys: K plays the animation', s.playing === true, JSON.stringify(s.playing));
  s = await afterKeys(page, [K]);
  check('keys: K again pauses it', s.playing === false, JSON.stringify(s.playing));

  // Keyboard navigation: the first arrow shows the focus (the scene list's first entry), → enters the
  // scene's controls (its first one), ↓ moves down; Space presses, Enter types into a slider.
  const lecture = await page.evaluate(() => window.convplay.state());
  s = await navigate(page, 'modes', [DOWN, RIGHT, DOWN, DOWN, ENTER, '7', ENTER]);
  check('keyboard only: modes\' input height slider typed to 7 (↓ → ↓ ↓ Enter 7 Enter)', s.h === 7 && s.out_h === 5 && s.w === lecture.w,
        `h ${s.h}, out_h ${s.out_h}`);
  s = await navigate(page, 'modes', [DOWN, RIGHT, DOWN, RIGHT, SPACE]);
  check('keyboard only: modes\' transposed-convolution radio button chosen with Space (↓ → ↓ → Space)', s.op === 'transposed' && s.out_h === 7 && s.pad_h === 0, `${s.op} ${s.out_h} P=${s.pad_h}`);
  // → finds the control level with the focused entry: pooling's presets start level with the list's third entry.
  s = await navigate(page, 'pooling', [DOWN, DOWN, RIGHT, DOWN, SPACE]);
  check('keyboard only: pooling\'s preset button "7×7, 3×3 stride 2 pad 1" pressed with Space (↓ ↓ → ↓ Space)',
        s.h === 7 && s.w === 7 && s.size === 3 && s.stride === 2 && s.padding === 1, JSON.stringify({ h: s.h, size: s.size, stride: s.stride, padding: s.padding }));

  await page.locator('#canvas').focus();
  await page.waitForTimeout(300);
  await page.keyboard.press('Escape'); // a real key: the loader reads its `key`
  const active = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check('keys: Esc leaves the embed (the canvas loses focus)', active !== 'canvas', String(active));
  await context.close();
}

// The screen reader's view: the live region's text (read from the accessibility tree) follows setState.
export async function liveRegionChecks(browser, base, check) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/index.html#scene=modes`);
  await ready(page);
  const region = page.locator('#description');
  const text = async (re) => {
    await page.waitForFunction((re) => new RegExp(re).test(document.getElementById('description').textContent), re.source,
                               { timeout: 10000 }).catch(() => {});
    return region.ariaSnapshot();
  };
  const first = await text(/Output 3 × 3/);
  check('live region: the accessibility tree reads the scene (modes: Output 3 × 3, N − K + 1 = 5 − 3 + 1 = 3, = 12)',
        /Output 3 × 3/.test(first) && /5 − 3 \+ 1 = 3/.test(first) && /= 12/.test(first), first.slice(0, 200));
  await page.evaluate(() => window.convplay.setState({ n: 7 }));
  const second = await text(/Output 5 × 5/);
  check('live region: its text changes with setState (n = 7: Output 5 × 5)', /Output 5 × 5/.test(second), second.slice(0, 200));
  // Two more scenes, each with its own numbers in the text, changed by setState.
  await page.evaluate(() => window.convplay.setState({ scene: 'pooling', op: 'max', input: 'custom', values: '1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4', size: 2, stride: 2, padding: 0, step: 0 }));
  const pool = await text(/max\(1, 3, 5, 6\) = 6/);
  check('live region: pooling reads its window (Output 2 × 2; 16 values become 4; max(1, 3, 5, 6) = 6)',
        /Output 2 × 2/.test(pool) && /16 values become 4/.test(pool) && /max\(1, 3, 5, 6\) = 6/.test(pool), pool.slice(0, 300));
  await page.evaluate(() => window.convplay.setState({ op: 'avg', step: 3 }));
  const avg = await text(/Pooling, average/);
  check('live region: pooling\'s text follows setState (average, window (1, 1): (1 + 0 + 3 + 4) / 4 = 2)',
        /Pooling, average/.test(avg) && /Output \(1, 1\) = /.test(avg) && /= 2\./.test(avg), avg.slice(0, 300));
  await page.evaluate(() => window.convplay.setState({ scene: 'params', h: 32, w: 32, c: 3, filters: 64, k: 5, stride: 1, padding: 'valid', bias: true }));
  const lecture = await text(/4,864 parameters/);
  check('live region: params reads the lecture\'s counts (4,800 weights + 64 biases = 4,864 parameters; 31,700×)',
        /4,800 weights \+ 64 biases = 4,864 parameters/.test(lecture) && /31,700×/.test(lecture), lecture.slice(0, 400));
  await page.evaluate(() => window.convplay.setState({ h: 100000, w: 100000, filters: 3, k: 3, padding: 'same' }));
  const overflow = await text(/overflows 64 bits/);
  check('live region: params\' text follows setState and says overflow (100,000² × 3 input: 84 parameters, dense overflows 64 bits)',
        /= 84 parameters/.test(overflow) && /dense ÷ conv = unknown \(overflow\)/.test(overflow), overflow.slice(0, 400));
  await page.evaluate(() => window.convplay.setState({ scene: 'modes' }));
  await text(/^Shape arithmetic/); // the canvas's label is renamed with the text
  const attrs = await page.evaluate(() => {
    const c = document.getElementById('canvas'), d = document.getElementById('description');
    return { role: c.getAttribute('role'), label: c.getAttribute('aria-label'), live: d.getAttribute('aria-live'), w: d.getBoundingClientRect().width };
  });
  check('live region: polite and visually hidden; the canvas is an application named after the scene',
        attrs.role === 'application' && attrs.label === 'Convolution Playground: Shape arithmetic' && attrs.live === 'polite' && attrs.w <= 1,
        JSON.stringify(attrs));
  await context.close();
}
