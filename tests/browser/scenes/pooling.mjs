// Scene "pooling": shapes and values against numbers known independently (the lecture's 100×100 → 50×50,
// a 4×4 max- and average-pooling example worked out by hand), and a screenshot.
export default async function run(page, { check, shot }) {
  const set = (s) => page.evaluate((state) => window.convplay.setState(state), s);

  const big = await set({ scene: 'pooling', input: 'image', n: 100, size: 2, stride: 2, padding: 0, op: 'max' });
  check('100×100, 2×2 stride 2 → 50×50, 10,000 → 2,500 values (4× fewer)',
        big.scene === 'pooling' && big.out_h === 50 && big.out_w === 50 && big.in_values === 10000 &&
        big.out_values === 2500 && big.reduction === 4,
        JSON.stringify({ out_h: big.out_h, out_w: big.out_w, in: big.in_values, out: big.out_values, r: big.reduction }));

  // 1 3 | 2 4
  // 5 6 | 7 8     max → 6 8 / 3 4,  mean → 3.75 5.25 / 2 2
  // 3 2 | 1 0
  // 1 2 | 3 4
  const hand = await set({ scene: 'pooling', input: 'custom', values: '1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4',
                           op: 'max', size: 2, stride: 2, padding: 0, step: 1 });
  check('4×4 by hand, max → 6 8; 3 4, window 2 = max(2, 4, 7, 8) = 8 chosen at (1, 3)',
        hand.out_h === 2 && hand.output === '6 8; 3 4' && hand.window_text === 'max(2, 4, 7, 8) = 8' &&
        hand.argmax_row === 1 && hand.argmax_col === 3,
        JSON.stringify({ output: hand.output, text: hand.window_text, at: [hand.argmax_row, hand.argmax_col] }));
  const avg = await set({ op: 'avg', step: 0 });
  check('4×4 by hand, average → 3.75 5.25; 2 2, (1 + 3 + 5 + 6) / 4 = 3.75',
        avg.output === '3.75 5.25; 2 2' && avg.window_text === '(1 + 3 + 5 + 6) / 4 = 3.75' && avg.window_value === 3.75,
        JSON.stringify({ output: avg.output, text: avg.window_text }));

  let message = '';
  try { await set({ values: '1 2; 3 x' }); } catch (e) { message = String(e.message || e); }
  const after = await page.evaluate(() => window.convplay.state());
  check('a value that is not a number is refused and changes nothing',
        /'x' is not a number/.test(message) && after.output === '3.75 5.25; 2 2', message);

  await set({ scene: 'pooling', input: 'digits', n: 6, op: 'max', size: 2, stride: 2, padding: 0, step: 4 });
  await shot('pooling');
}
