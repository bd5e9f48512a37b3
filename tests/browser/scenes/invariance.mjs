// Scene "invariance": the conv peak moves with the pattern, global max pooling is the same at every
// position (the pattern's number of cells), the dense layer's output is not; and a screenshot.
export default async function run(page, { check, shot }) {
  const set = (s) => page.evaluate((state) => window.convplay.setState(state), s);
  const a = await set({ scene: 'invariance', pattern: 'cat', n: 24, x: 2, y: 3 });
  const b = await set({ x: 14, y: 10 });
  check('the conv peak moves by the pattern\'s offset (12, 7)',
        a.conv_peak_col === 2 && a.conv_peak_row === 3 && b.conv_peak_col === 14 && b.conv_peak_row === 10,
        JSON.stringify({ a: [a.conv_peak_row, a.conv_peak_col], b: [b.conv_peak_row, b.conv_peak_col] }));
  check('global max is 36 (the cat\'s cells) at both positions and at all 18×18',
        a.global_max === 36 && b.global_max === 36 && b.positions === 324 && b.global_max_min === 36 &&
        b.global_max_max === 36, JSON.stringify({ a: a.global_max, b: b.global_max, min: b.global_max_min }));
  check('the dense output differs between the positions',
        a.dense_out !== b.dense_out && b.dense_min < b.dense_max, JSON.stringify({ a: a.dense_out, b: b.dense_out }));
  const plus = await set({ pattern: 'plus', x: 5, y: 6 });
  check('the plus gives 9', plus.global_max === 9 && plus.conv_peak_row === 6 && plus.conv_peak_col === 5,
        JSON.stringify(plus));
  let message = '';
  try { await set({ x: 40 }); } catch (e) { message = String(e.message || e); }
  check('a position outside the input is refused', /x must be between 0 and/.test(message), message);
  await set({ pattern: 'cat', n: 24, x: 9, y: 6, step: 0 });
  await shot('invariance');
}
