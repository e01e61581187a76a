// Runs `npm ci` when node_modules does not match package-lock.json, so a build with the modules in place costs nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const lock = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const stamp = 'node_modules/.overturn-lock-sha256';
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) {
  console.log('smart-app: node_modules matches package-lock.json');
} else {
  console.log('smart-app: npm ci (node_modules missing or out of date)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { stdio: 'inherit' });
  writeFileSync(stamp, lock);
}
