// Keyboard and page-API checks for students who do not use a mouse (issue 16): the app's shortcuts, Esc
// leaving the embed, keyboard navigation reaching and operating controls, and setState(state()).
import { ready } from './embed.mjs';
import { sendKeys } from './hardening.mjs';

const [K, COMMA, PERIOD] = [75, 188, 190];

// Sends keys, then lets the app draw a few frames (slow under SwiftShader) and returns state().
async function afterKeys(page, keys) {
  const frames = await page.evaluate(() => window.convplay.state().frames);
  await sendKeys(page, keys);
  await page.waitForFunction((f) => window.convplay.state().frames >= f + 4, frames, { timeout: 10000, polling: 200 }).catch(() => {});
  await page.waitForTimeout(500);
  const st = await page.evaluate(() => window.convplay.state()); return st;
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

  await page.keyboard.press('Escape'); // a real key: the loader reads its `key`
  const active = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check('keys: Esc leaves the embed (the canvas loses focus)', active !== 'canvas', String(active));
  await context.close();
}
