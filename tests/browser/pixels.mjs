// Pixel statistics of screenshots, shared by the browser checks.
import fs from 'node:fs';

// Mean and variance of luminance of a PNG, decoded by the browser (no image library needed).
export async function pngStats(browser, file) {
  const page = await browser.newPage();
  const data = fs.readFileSync(file).toString('base64');
  const stats = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let sum = 0, sum2 = 0; const colours = new Set();
    for (let i = 0; i < px.length; i += 4) {
      const y = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      sum += y; sum2 += y * y;
      if (colours.size < 5000) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    }
    const n = px.length / 4;
    return { mean: sum / n, variance: sum2 / n - (sum / n) ** 2, colours: colours.size };
  }, data);
  await page.close();
  return stats;
}
