// Scene "features": a conv layer σ(W ∗ x + b) through the page API (values from the core).
export default async function run(page, { check, shot }) {
  const s = await page.evaluate(() => window.convplay.setState({
    scene: 'features', image: 'circles', size: 64, channels: 1, k: 3, filters: 'identity,sobel_x,sobel_y,gaussian',
    biases: '0,0,0,0', act: 'relu', map: 0, row: 15, col: 15 }));
  check('shape(w) = C1×K×K×C2 = 1×3×3×4, 40 parameters, output 30×62×4',
        s.w_shape === '1×3×3×4' && s.parameters === 40 && s.weight_count === 36 && s.out_h === 30 && s.out_w === 62 && s.out_c === 4,
        JSON.stringify(s));
  check('identity on the red circle, grey: 0.299', Math.abs(s.value - 0.299) < 1e-5, String(s.value));
  const colour = await page.evaluate(() => window.convplay.setState({ channels: 3, k: 5, padding: 'same' }));
  check('colour, K = 5, same: 3×5×5×4, 304 parameters, 32×64×4',
        colour.w_shape === '3×5×5×4' && colour.parameters === 304 && colour.out_h === 32 && colour.out_w === 64, JSON.stringify(colour));
  const bad = await page.evaluate(() => { try { window.convplay.setState({ custom: '1 2 x' }); return null; } catch (e) { return e.message; } });
  check('bad weights text throws a message and keeps the weights',
        bad === "custom weights: 'x' is not a number" && (await page.evaluate(() => window.convplay.state().custom)) === colour.custom, String(bad));
  await page.evaluate(() => window.convplay.setState({ image: 'circles', channels: 1, k: 3, padding: 'valid', act: 'relu' }));
  await shot('features');
}
