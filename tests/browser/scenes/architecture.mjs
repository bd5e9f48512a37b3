// Scene "architecture": LeNet-5's summary from the core through the page API, a layer that cannot fit,
// a bad layer text, and the PyTorch export.
export default async function run(page, { check, shot }) {
  const st = await page.evaluate(() => window.convplay.setState({ scene: 'architecture', preset: 'lenet5' }));
  check('LeNet-5 on 1×32×32 has 61,706 parameters',
        st.scene === 'architecture' && st.total_params === 61706 && st.error === '',
        JSON.stringify({ scene: st.scene, total: st.total_params, error: st.error }));
  const shapes = [1, 3, 4, 6, 7, 8, 10, 12].map((i) => st[`shape_${i}`]).join(' ');
  check('LeNet-5 shapes 28×28×6, 14×14×6, 10×10×16, 5×5×16, 400, 120, 84, 10',
        shapes === '28x28x6 14x14x6 10x10x16 5x5x16 400 120 84 10', shapes);
  const params = [1, 4, 8, 10, 12].map((i) => st[`params_${i}`]).join(' ');
  check('per-layer parameters 156, 2,416, 48,120, 10,164, 850', params === '156 2416 48120 10164 850', params);
  check('PyTorch code with Conv2d(1, 6, kernel_size=5, …) and Linear(400, 120)',
        st.pytorch.includes('nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=0)') &&
        st.pytorch.includes('nn.Linear(400, 120)') && st.pytorch.includes('# 61706'), st.pytorch.slice(0, 200));

  const bad = await page.evaluate(() => {
    try { window.convplay.setState({ stack: 'conv6k5,relu,conv16x5' }); return null; } catch (e) { return e.message; }
  });
  check('a bad layer text throws a message naming the item',
        bad === "stack: item 3 'conv16x5': unknown option 'x5' (conv takes k<kernel>, s<stride>, p<padding>, same, valid)",
        String(bad));
  const kept = await page.evaluate(() => window.convplay.state());
  check('… and keeps the previous stack', kept.total_params === 61706 && kept.layers === 12, JSON.stringify(kept.stack));

  const tooBig = await page.evaluate(() => window.convplay.setState({ stack: 'conv6k5,relu,pool2,conv16k15,relu,pool2,flatten,dense10' }));
  check("a kernel larger than its input names the layer and the core's reason",
        tooBig.error_layer === 4 && tooBig.shape_3 === '14x14x6' && tooBig.shape_4 === undefined &&
        tooBig.error === "layer 4 (conv16k15): height: kernel 15 is larger than the padded input 14 in 'valid' mode",
        tooBig.error);
  await page.evaluate(() => window.convplay.setState({ preset: 'lenet5' }));
  await shot('architecture');
}
