// Renders public/icon.svg to the PNG app icons and favicon.ico with the machine's Chromium.
// Run after changing the SVG: node scripts/generate-icons.mjs (outputs are committed).
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from '@playwright/test';

const svg = await readFile('public/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
async function render(size, padding = 0) {
  await page.setViewportSize({ width: size, height: size });
  const inner = size - 2 * padding;
  await page.setContent(
    `<html><body style="margin:0;background:${padding ? '#1d4ed8' : 'transparent'}">` +
      `<div style="padding:${padding}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body></html>`,
  );
  return page.screenshot({ omitBackground: !padding, clip: { x: 0, y: 0, width: size, height: size } });
}
const outputs = {
  'public/icon-192.png': await render(192),
  'public/icon-512.png': await render(512),
  // maskable: the safe zone is the inner 80%, so the glyph sits on a full-bleed background
  'public/icon-maskable-512.png': await render(512, 51),
  'public/apple-touch-icon.png': await render(180, 0),
};
for (const [file, png] of Object.entries(outputs)) await writeFile(file, png);

// favicon.ico: an ICONDIR with PNG-encoded 16, 32 and 48 px images (valid since Windows Vista).
const sizes = [16, 32, 48];
const pngs = [];
for (const s of sizes) pngs.push(await render(s));
const header = Buffer.alloc(6 + 16 * sizes.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(sizes.length, 4);
let offset = header.length;
sizes.forEach((s, i) => {
  const e = 6 + 16 * i;
  header.writeUInt8(s, e);
  header.writeUInt8(s, e + 1);
  header.writeUInt16LE(1, e + 4);
  header.writeUInt16LE(32, e + 6);
  header.writeUInt32LE(pngs[i].length, e + 8);
  header.writeUInt32LE(offset, e + 12);
  offset += pngs[i].length;
});
await writeFile('public/favicon.ico', Buffer.concat([header, ...pngs]));
await browser.close();
