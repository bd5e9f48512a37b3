// Layouts for every size (issue 16): at 1280×800, the Share menu's 800×520 and 600×400, in every scene,
// the app's own layout report (state().layout, from ImGui's item rectangles) says that no control reaches
// past the visible part of its window, that the picture starts on the first screen and that no combo's
// choice, table column's content or plot legend is cut by its own width, no word or number is split across
// lines and no window scrolls sideways; at 600 px wide the
// scene list is a menu, and the Share menu's embed code has nav=0 and says "Copied" after a copy.
import path from 'node:path';
import { ready } from './embed.mjs';

const SIZES = [[1280, 800], [800, 520], [600, 400]];
const SHOTS = { '1280x800': ['architecture'], '800x520': ['modes', 'features', 'color', 'params'], '600x400': ['modes', 'pooling', 'architecture', 'params', 'train'] };

// state() once the scene has drawn a few frames after a change (its layout report is the last frame's).
export async function settled(page) {
  const f = await page.evaluate(() => window.convplay.state().frames);
  await page.waitForFunction((n) => window.convplay.state().frames >= n + 3, f, { timeout: 15000, polling: 100 }).catch(() => {});
  return page.evaluate(() => window.convplay.state());
}

export async function layoutChecks(browser, base, check, artifacts) {
  for (const [width, height] of SIZES) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    const size = `${width}x${height}`;
    // The embed's own hash (nav=0) at the embed sizes, the full page with its scene list at 1280.
    const nav = width >= 1280 ? '' : '&nav=0';
    await page.goto(`${base}/index.html#scene=modes${nav}`);
    const first = await ready(page);
    const cut = [], late = [], missing = [], clipped = [], sideways = [];
    for (const id of first.scenes) {
      await page.evaluate((s) => window.convplay.setState({ scene: s }), id);
      const st = await settled(page);
      const l = st.layout;
      if (!l) { missing.push(id); continue; }
      if (l.overflow > 0 || l.right_most > width) cut.push(`${id}: ${l.cut || '?'} by ${l.overflow} px (right-most ${l.right_most})`);
      if (!(l.clipped === 0)) clipped.push(`${id}: ${l.clipped} (${(l.clipped_items || []).join(', ')})`);
      if (!(Array.isArray(l.scroll_x) && l.scroll_x.length === 0)) sideways.push(`${id}: ${JSON.stringify(l.scroll_x)}`);
      const [, y0, x1, y1] = l.picture;
      if (!(x1 > 0 && y1 > y0 && y0 < height - 40)) late.push(`${id}: picture at ${JSON.stringify(l.picture)}`);
      if ((SHOTS[size] || []).includes(id)) await page.screenshot({ path: path.join(artifacts, `layout-${id}-${size}.png`) });
    }
    check(`layout ${size}: every scene reports its layout`, missing.length === 0, missing.join(', '));
    check(`layout ${size}: no control right of the window's edge in any scene`, cut.length === 0, cut.join('; '));
    check(`layout ${size}: the picture starts on the first screen in every scene`, late.length === 0, late.join('; '));
    // combos as wide as their longest choice, table columns as wide as their content, legends that wrap
    check(`layout ${size}: no combo, table column or legend cut by its own width in any scene (state().layout.clipped = 0)`,
          clipped.length === 0, clipped.join('; '));
    check(`layout ${size}: nothing scrolls sideways in any scene (state().layout.scroll_x is empty)`, sideways.length === 0, sideways.join('; '));
    if (width < 900) {
      // With the scene list asked for, a narrow window shows it as a menu: the picture keeps the width.
      await page.goto('about:blank');
      await page.goto(`${base}/index.html#scene=pooling`);
      await ready(page);
      const st = await settled(page);
      check(`layout ${size}: the scene list is a menu above the scene (the picture starts at the left; no title cut)`,
            st.layout && st.layout.picture[0] < 40 && st.layout.overflow === 0 && st.layout.clipped === 0,
            st.layout && JSON.stringify({ picture: st.layout.picture, overflow: st.layout.overflow, clipped: st.layout.clipped_items }));
    }
    await context.close();
  }
}
