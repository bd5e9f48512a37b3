// Keyboard and page-API checks for students who do not use a mouse (issue 16): the app's shortcuts, Esc
// leaving the embed, keyboard navigation reaching and operating controls, and setState(state()).
import { ready } from './embed.mjs';
import { sendKeys } from './hardening.mjs';
import { settled } from './layout.mjs';

const [K, COMMA, PERIOD, ENTER, SPACE, LEFT, RIGHT, DOWN] = [75, 188, 190, 13, 32, 37, 39, 40];

// Sends keys, then lets the app draw a few frames (slow under SwiftShader) and returns state().
async function afterKeys(page, keys) {
  const frames = await page.evaluate(() => window.convplay.state().frames);
  await sendKeys(page, keys);
  await page.waitForFunction((f) => window.convplay.state().frames >= f + 4, frames, { timeout: 10000, polling: 200 }).catch(() => {});
  await page.waitForTimeout(500);
  const st = await page.evaluate(() => window.convplay.state()); return st;
}

// One key, then a few frames (ImGui moves the focus within a frame or two); state() after.
async function key(page, k) {
  const f = await page.evaluate(() => window.convplay.state().frames);
  await sendKeys(page, [k]);
  await page.waitForFunction((f) => window.convplay.state().frames >= f + 3, f, { timeout: 10000, polling: 50 }).catch(() => {});
  return page.evaluate(() => window.convplay.state());
}

// A fresh page of `scene` (and the rest of the hash, e.g. '&nav=0') with the keyboard in the canvas (no
// focus shown yet).
async function freshScene(page, scene, more = '') {
  const origin = new URL(page.url()).origin;
  await page.goto('about:blank'); // then a fresh page (only the hash changing would not reload)
  await page.goto(`${origin}/index.html#scene=${scene}${more}`);
  await ready(page);
  await page.locator('#canvas').focus();
  await page.waitForTimeout(500);
}

// Walks the keyboard focus over the controls with the arrows alone, row by row like a snake (→ until the
// focus stays, ↓, ← until it stays, ↓, → …), by what state().layout.focus reports (no pixel positions).
// visit(state) at each focus; stops when visit returns true (that state), at the bottom or after
// maxKeys (null). `first` is the first arrow: ↓ shows the focus; → from a focused button reaches its
// neighbour on the same row (a walk that began with ↓ would leave that row).
async function walkFocus(page, visit, maxKeys = 200, first = DOWN) {
  let st = await key(page, first);
  let keys = 1, dir = RIGHT;
  if (visit(st)) return st;
  while (keys < maxKeys) {
    for (;;) { // along the row
      const id = st.layout.focus.id;
      st = await key(page, dir);
      if (++keys >= maxKeys) return null;
      if (st.layout.focus.id === id) break;
      if (visit(st)) return st;
    }
    st = await moveOrStay(page, DOWN);
    keys += 2;
    if (!st) return null; // the last row
    if (visit(st)) return st;
    dir = dir === RIGHT ? LEFT : RIGHT;
  }
  return null;
}

// Walks the keyboard focus down one column with ↓ alone (the scene list and the Share button below it, from
// the first arrow, which shows the focus on the list): visit(state) at each focus, null at the bottom.
async function walkDown(page, visit, maxKeys = 40) {
  let st = await key(page, DOWN);
  for (let keys = 1; keys < maxKeys; ++keys) {
    if (visit(st)) return st;
    st = await moveOrStay(page, DOWN);
    if (!st) return null;
  }
  return null;
}

// One arrow that should move the focus; a second press when it stayed (a key that arrives in the frame the
// window's layout changes can move nothing): state() after the move, null when the focus stayed twice (an
// edge).
async function moveOrStay(page, arrow) {
  const id = (await page.evaluate(() => window.convplay.state())).layout.focus.id;
  for (let tries = 0; tries < 2; ++tries) {
    const st = await key(page, arrow);
    if (st.layout.focus.id !== id) return st;
  }
  return null;
}

// The focus moved onto the control labelled `label` by the arrows alone, then `keys`; state() after.
async function operate(page, scene, label, keys) {
  await freshScene(page, scene);
  const at = await walkFocus(page, (st) => st.layout.focus.label === label);
  if (!at) return { reached: false };
  let st = at;
  for (const k of keys) st = await key(page, k);
  return { reached: true, st };
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

  // Keyboard navigation by the arrows alone to a control found by its label (state().layout.focus), then
  // Space presses it, Enter types into a slider. At 1280×800, where every control of these scenes is on the
  // first screen: ImGui 1.86 moves the focus only onto items inside the visible part of the scene (a
  // NavFlattened child), so at 800×520 the controls below the picture cannot be reached by the arrows yet.
  const lecture = await page.evaluate(() => window.convplay.state());
  let r = await operate(page, 'modes', 'input height H', [ENTER, '7', ENTER]);
  check('keyboard only: modes\' input height slider reached by the arrows and typed to 7 (Enter 7 Enter)',
        r.reached && r.st.h === 7 && r.st.out_h === 5 && r.st.w === lecture.w, r.reached ? `h ${r.st.h}, out_h ${r.st.out_h}` : 'not reached');
  r = await operate(page, 'modes', 'transposed convolution', [SPACE]);
  check('keyboard only: modes\' transposed-convolution radio button reached and chosen with Space',
        r.reached && r.st.op === 'transposed' && r.st.out_h === 7 && r.st.pad_h === 0, r.reached ? `${r.st.op} ${r.st.out_h} P=${r.st.pad_h}` : 'not reached');
  r = await operate(page, 'pooling', '7×7, 3×3 stride 2 pad 1', [SPACE]);
  check('keyboard only: pooling\'s preset button "7×7, 3×3 stride 2 pad 1" reached and pressed with Space',
        r.reached && r.st.h === 7 && r.st.w === 7 && r.st.size === 3 && r.st.stride === 2 && r.st.padding === 1,
        r.reached ? JSON.stringify({ h: r.st.h, size: r.st.size, stride: r.st.stride, padding: r.st.padding }) : 'not reached');
  // The Share menu by keys: Space on "Share…", then on "Copy link": the menu says "Copied the link" for a
  // few seconds (state().share_copied is that line), then on "Copy embed code".
  await freshScene(page, 'pooling');
  let share = await walkDown(page, (st) => st.layout.focus.label === 'Share…');
  let menu = share && await key(page, SPACE);
  const press = async (label) => {
    let at = menu.layout.focus.label === label ? menu : await walkFocus(page, (st) => st.layout.focus.label === label, 40, RIGHT);
    return at && key(page, SPACE);
  };
  const link = menu && menu.editing && await press('Copy link');
  check('Share menu: "Copy link" pressed by keys shows "Copied the link"', !!link && link.share_copied === 'Copied the link',
        link ? JSON.stringify({ copied: link.share_copied, focus: link.layout.focus.label }) : `share ${!!share}, menu ${menu && menu.editing}`);
  if (link) {
    menu = link;
    const embed = await press('Copy embed code');
    check('Share menu: "Copy embed code" shows "Copied the embed code"', !!embed && embed.share_copied === 'Copied the embed code',
          embed ? embed.share_copied : 'not reached');
    await page.waitForTimeout(3500);
    const later = await page.evaluate(() => window.convplay.state());
    check('Share menu: the "Copied" line goes after about 3 s', later.share_copied === '', later.share_copied);
  }
  await page.keyboard.press('Escape'); // closes the menu

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

// The main controls of each scene, by parameter key: its parameters' sliders, combos and number fields
// that the scene draws in its first state.
const MAIN_CONTROLS = {
  modes: ['h', 'w', 'kh', 'kw', 'stride', 'dilation', 'padding'],
  matmul: ['n', 'k', 'stride', 'padding', 'layer_size', 'layer_c', 'layer_m', 'layer_k'],
  params: ['h', 'w', 'c', 'filters', 'k', 'stride', 'padding'],
  color: ['image', 'kernel', 'k', 'bias', 'size', 'padding'],
  features: ['image', 'size', 'k', 'maps', 'act', 'padding'],
  pooling: ['h', 'w', 'size', 'stride', 'padding'],
  invariance: ['n', 'x', 'y', 'seed'],
  architecture: ['c', 'h', 'w'],
  train: ['model', 'lr', 'batch', 'optimizer', 'seed'],
};

// Keyboard reach at the embed sizes: every scene's main controls are among what ImGui's navigation can
// reach in the last frame (state().layout.targets, from its item hooks: enabled, navigable, in the
// scene's navigation, in view or not), and its number controls are Tab stops too. Then ↓ alone reaches
// a control below the fold of an 800×520 embed, which the scene scrolls into view.
export async function reachChecks(browser, base, check) {
  for (const [width, height] of [[800, 520], [600, 400]]) {
    const size = `${width}x${height}`;
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await page.goto(`${base}/index.html#scene=modes&nav=0`);
    const first = await ready(page);
    const unreached = [], notab = [], below = [];
    for (const id of first.scenes) {
      const want = MAIN_CONTROLS[id];
      if (!want) { unreached.push(`${id}: no list of its main controls in a11y.mjs`); continue; }
      await page.evaluate((s) => window.convplay.setState({ scene: s }), id);
      const st = await settled(page);
      const targets = (st.layout && st.layout.targets) || [];
      for (const key of want) {
        const mine = targets.filter((t) => t.key === key);
        if (!mine.length) { unreached.push(`${id}.${key}`); continue; }
        const type = st.parameters[key] && st.parameters[key].type;
        if ((type === 'int' || type === 'number') && !mine.some((t) => t.tab)) notab.push(`${id}.${key}`);
        if (!mine.some((t) => t.visible)) below.push(`${id}.${key}`);
      }
    }
    check(`reach ${size}: every scene's main controls are keyboard targets, in view or not (${below.length} below the fold)`,
          unreached.length === 0, `not reachable: ${unreached.join(', ')}`);
    check(`reach ${size}: every scene's number controls are Tab stops`, notab.length === 0, notab.join(', '));
    if (width === 800) {
      await freshScene(page, 'modes', '&nav=0');
      const st = await page.evaluate(() => window.convplay.state());
      const dilation = (st.layout.targets || []).find((t) => t.key === 'dilation');
      let at = null; // ↓ alone, until the focus is on the slider (or stops moving)
      for (let n = 0, last = -1, s = null; n < 40; ++n) {
        s = await key(page, DOWN);
        if (s.layout.focus.label === 'dilation D') { at = s; break; }
        if (s.layout.focus.id === last) break;
        last = s.layout.focus.id;
      }
      check(`reach ${size}: the arrows alone reach modes' dilation slider below the fold and the scene scrolls to it`,
            !!dilation && !dilation.visible && !!at && at.scroll_y > 0,
            JSON.stringify({ below_the_fold: dilation && !dilation.visible, reached: !!at, scroll_y: at && at.scroll_y }));
    }
    await context.close();
  }
}
