// Gzipped size of every script the console's page loads (index.html, its imports and its
// lazy chunks), not GraphiQL's. Exits non-zero above the budget.
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET_KB = 150;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const quiet = process.argv.includes('--quiet');
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const seen = new Set();
const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file) || !existsSync(join(dist, file))) continue;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  // Static and dynamic imports are relative ("./x.js"); Vite's preload map names "assets/x.js".
  for (const m of code.matchAll(/["'`](?:\.\/|\/?assets\/)([\w.-]+\.js)["'`]/g)) queue.push(`assets/${m[1]}`);
}

let total = 0;
const rows = [...seen].sort().map((file) => {
  const raw = readFileSync(join(dist, file));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  return [file, raw.length, gz];
});
if (!quiet) {
  for (const [file, raw, gz] of rows) console.log(`${(gz / 1024).toFixed(1).padStart(7)} KB gz ${(raw / 1024).toFixed(1).padStart(8)} KB  ${file}`);
}
const kb = total / 1024;
console.log(`console JS: ${rows.length} files, ${kb.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
if (kb > BUDGET_KB) {
  console.error(`over budget by ${(kb - BUDGET_KB).toFixed(1)} KB`);
  process.exit(1);
}
