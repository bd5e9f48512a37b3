// Scene "params": parameter sharing, conv versus dense, from the core's counts.
export default async function run(page, { check, shot }) {
  const params = await page.evaluate(() => window.convplay.setState({ scene: 'params' }));
  check('4,800 conv weights versus 154,140,672 dense',
        params.scene === 'params' && params.conv_weights === 4800 && params.dense_weights === 154140672,
        JSON.stringify({ scene: params.scene, conv: params.conv_weights, dense: params.dense_weights }));
  await shot('params');
}
