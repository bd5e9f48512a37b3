// Scene "color": colour convolution through the page API (values come from the core's conv2d).
export default async function run(page, { check, shot }) {
  const demo = await page.evaluate(() => window.convplay.setState({ scene: 'color', image: 'circles', size: 64, kernel: 'red', k: 3, bias: 0, padding: 'valid' }));
  check('red detector: 1 on the red circle, -0.5 on the green one',
        demo.image_status === 'ready' && Math.abs(demo.red_response - 1) < 1e-5 && Math.abs(demo.green_response + 0.5) < 1e-5 &&
        demo.red_response > demo.green_response,
        JSON.stringify({ red: demo.red_response, green: demo.green_response, status: demo.image_status }));
  check('shapes: 32×64×3 ∗ 3×3×3 → 30×62×1, 28 parameters',
        demo.h === 32 && demo.w === 64 && demo.c === 3 && demo.out_h === 30 && demo.out_w === 62 && demo.out_c === 1 &&
        demo.weight_count === 27 && demo.parameters === 28, JSON.stringify(demo));
  const bad = await page.evaluate(() => { try { window.convplay.setState({ weights: '1, 2, banana' }); return null; } catch (e) { return e.message; } });
  check('bad weights text throws a message and keeps the kernel',
        bad === "weights: 'banana' is not a number" && (await page.evaluate(() => window.convplay.state().kernel)) === 'red', String(bad));
  // The cat is fetched on demand (samples/chelsea.png next to the .wasm): poll until it is decoded.
  await page.evaluate(() => window.convplay.setState({ image: 'cat', size: 64 }));
  let cat = null;
  for (let i = 0; i < 100; ++i) {
    cat = await page.evaluate(() => window.convplay.state());
    if (cat.image_status !== 'loading') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  check('the cat sample is fetched and decoded: 43×64×3', cat.image_status === 'ready' && cat.h === 43 && cat.w === 64,
        JSON.stringify({ status: cat.image_status, note: cat.note, h: cat.h, w: cat.w }));
  // The student's own picture, dropped on the canvas (web/image_input.js → cp_load_image).
  const loaded = await page.evaluate(() => typeof window.installImageInput === 'function');
  check('web/image_input.js is loaded by the page', loaded, 'index.html must load web/image_input.js and loader.js call installImageInput(instance, canvas)');
  if (loaded) {
    const dropped = await page.evaluate(async () => {
      const canvas = document.getElementById('canvas');
      const drop = (file) => {
        const dt = new DataTransfer();
        dt.items.add(file);
        canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      };
      const until = async (ok) => { for (let i = 0; i < 50 && !ok(window.convplay.state()); ++i) await new Promise((r) => setTimeout(r, 100)); return window.convplay.state(); };
      drop(new File([new TextEncoder().encode('not a picture')], 'notes.txt', { type: 'text/plain' }));
      const bad = await until((s) => /notes\.txt/.test(s.user_note));
      // An 800×600 red picture: larger than 512, so it is downscaled to 384×512
      const c = document.createElement('canvas');
      c.width = 800; c.height = 600;
      const g = c.getContext('2d');
      g.fillStyle = '#ff0000';
      g.fillRect(0, 0, 800, 600);
      const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
      drop(new File([blob], 'red.png', { type: 'image/png' }));
      const good = await until((s) => s.image === 'user');
      return { bad: bad.user_note, badImage: bad.image, good: good.user_note, image: good.image };
    });
    check('dropping a text file says it is not an image and keeps the picture',
          /not an image/.test(dropped.bad) && dropped.badImage === 'cat', JSON.stringify(dropped));
    check('dropping an 800×600 picture switches to it, downscaled to 512×384',
          dropped.image === 'user' && /downscaled to 512×384 pixels/.test(dropped.good), JSON.stringify(dropped));
    const red = await page.evaluate(() => window.convplay.setState({ size: 64, kernel: 'red', bias: 0, step: 0 }));
    check('the red detector on the red picture gives 1', Math.abs(red.value - 1) < 1e-5 && red.h === 48 && red.w === 64,
          JSON.stringify({ value: red.value, h: red.h, w: red.w }));
    await page.evaluate(() => window.convplay.setState({ image: 'cat' }));
  }
  await shot('color');
}
