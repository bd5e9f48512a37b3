// Scene "modes": shape arithmetic, through the page API (values come from the core).
export default async function run(page, { check, shot }) {
  const state = await page.evaluate(() => window.convplay.setState({ scene: 'modes' }));
  check("the lecture's 5×5 ∗ 3×3 valid gives 3×3", state.out_h === 3 && state.out_w === 3 && state.error === '',
        JSON.stringify(state));
  check("the lecture's output [[12,12,17],[10,17,19],[9,6,14]] and its first window written out",
        state.output === '12,12,17,10,17,19,9,6,14' && state.window === '3·0 + 3·1 + 2·2 + 0·2 + 0·2 + 1·0 + 3·0 + 1·1 + 2·2 = 12',
        `${state.output} | ${state.window}`);
  const flipped = await page.evaluate(() => window.convplay.setState({ flip: true, step: 4 }));
  check('true convolution flips the kernel: output (1, 1) = 9', flipped.output.split(',')[4] === '9' && /= 9$/.test(flipped.window),
        `${flipped.output} | ${flipped.window}`);
  await shot('modes-flip');
  const transposed = await page.evaluate(() => window.convplay.setState({ flip: false, op: 'transposed', n: 3, k: 3, stride: 2, pad: 1, step: 0 }));
  check('transposed convolution: 3×3, K 3, stride 2, padding 1 → 5×5', transposed.out_h === 5 && transposed.out_w === 5,
        JSON.stringify({ out_h: transposed.out_h, out_w: transposed.out_w }));
  await page.evaluate(() => window.convplay.setState({ op: 'conv', n: 5, k: 3, stride: 1, pad: 1, step: 0 }));
  const full = await page.evaluate(() => window.convplay.setState({ n: 7, k: 3, padding: 'full' }));
  check("setState({n:7,k:3,padding:'full'}) gives 9×9", full.out_h === 9 && full.out_w === 9,
        JSON.stringify({ out_h: full.out_h, out_w: full.out_w }));
  const bad = await page.evaluate(() => { try { window.convplay.setState({ h: 0 }); return null; } catch (e) { return e.message; } });
  check('setState({h:0}) throws a message and changes nothing',
        bad === 'h must be between 1 and 4096' && (await page.evaluate(() => window.convplay.state().h)) === 7, String(bad));
  const impossible = await page.evaluate(() => window.convplay.setState({ n: 5, k: 7, dilation: 2, padding: 'valid' }));
  check("an impossible layer reports the core's message",
        /kernel 7 \(13 with dilation 2\) is larger than the padded input 5/.test(impossible.error), impossible.error);
  await page.evaluate(() => window.convplay.setState({ n: 5, k: 3, dilation: 1, padding: 'valid' }));
}
