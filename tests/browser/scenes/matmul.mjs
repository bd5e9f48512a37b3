// Scene "matmul": the Toeplitz matrix's sizes, T·x equal to the convolution, the three ways measured in the page.
// The timing runs in the background (a worker thread, or one way per frame without threads): the
// page stays responsive, and state() says timing_pending until the numbers are in.
async function settled(page) {
  await page.waitForFunction(() => window.convplay.state().timing_pending === false, null, { timeout: 20000 });
  return page.evaluate(() => window.convplay.state());
}

export default async function run(page, { check, shot }) {
  const first = await page.evaluate(() => window.convplay.setState({ scene: 'matmul', dims: 1, n: 4, k: 2, padding: 'valid', layer_size: 12 }));
  check('the timing does not hold up setState: it is measured in the background', first.timing_pending === true,
        `timing_pending ${first.timing_pending}`);
  const s = await settled(page);
  check('a 4-vector and a 2-tap filter: a 3×4 matrix, 6 zeros, 2 distinct weights, T·x = convolution',
        s.rows === 3 && s.cols === 4 && s.zeros === 6 && s.distinct_weights === 2 && s.equal === true,
        JSON.stringify({ rows: s.rows, cols: s.cols, zeros: s.zeros, d: s.distinct_weights, equal: s.equal }));
  const agree = (a, b) => Math.abs(a - b) <= 1e-4 * Math.abs(a);
  check('the three ways give the same output; Toeplitz allocates the most',
        !s.direct_error && !s.im2col_error && !s.toeplitz_error && s.direct_abssum > 0 &&
        agree(s.direct_abssum, s.im2col_abssum) && agree(s.direct_abssum, s.toeplitz_abssum) &&
        s.toeplitz_bytes > s.im2col_bytes && s.im2col_bytes > s.direct_bytes,
        JSON.stringify({ d: s.direct_abssum, i: s.im2col_abssum, t: s.toeplitz_abssum, tb: s.toeplitz_bytes, db: s.direct_bytes }));
  await page.evaluate(() => window.convplay.setState({ layer_size: 128, layer_c: 16, layer_m: 64 }));
  const big = await settled(page);
  check('a Toeplitz matrix past the memory limit is refused with a message', /limit/.test(big.toeplitz_error) && !big.direct_error,
        big.toeplitz_error);
  await page.evaluate(() => window.convplay.setState({ layer_size: 16, layer_c: 3, layer_m: 16 }));
  await settled(page);
  await shot('matmul');
}
