// npm run lock:fix — run after `npm install` changes package-lock.json.
// The npm registry this project is built against serves only the linux builds of some platform-specific
// optional packages (e.g. @msgpackr-extract/*-darwin-arm64 answers 404), so npm cannot write their
// lock entries, and `npm ci` then refuses the lockfile. This adds the missing entries as optional,
// os/cpu-restricted stubs: npm skips them on other platforms and never fetches them here.
import { readFileSync, writeFileSync } from 'node:fs';
import { type LockPackage, missingOptionalEntries } from './lockfile';

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];
const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, LockPackage> };
const packages = lock.packages;
const missing = missingOptionalEntries(packages);

for (const { name, version, dev } of missing) {
  const parts = name.split(/[-/]/);
  const os = OS.filter((o) => parts.includes(o));
  const cpu = CPU.filter((c) => parts.includes(c));
  if (os.length !== 1 || cpu.length !== 1) throw new Error(`${name}: cannot tell its platform from its name; add its lock entry by hand`);
  packages[`node_modules/${name}`] ??= { version, cpu, ...(dev ? { dev: true } : {}), optional: true, os };
  console.log(`added lock entry ${name}@${version} (${os[0]}/${cpu[0]})`);
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(missing.length ? `${missing.length} entries added` : 'lockfile already complete');
