#!/usr/bin/env bash
# Prints a directory whose `node` is Node 24 at least at the version in .node-version, installing that
# version first when the `node` on PATH is another major version or older. Use: export PATH="$(bash scripts/node24.sh):$PATH"
# The binary comes from the npm registry's official platform package (node-<os>-<cpu>, the same build
# as nodejs.org), fetched with `npm pack`, which checks the registry's integrity hash; nothing is run
# at install time. It is kept under ~/.cache/traced-queue (or $NODE24_CACHE).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(tr -d ' \n' < "$root/.node-version")"
major="${version%%.*}"

# The node on PATH will do when it is the same major version and not older than the pinned one.
fits='const [a, b] = [process.versions.node, process.argv[1]].map((v) => v.split(".").map(Number));
process.exit(a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2])) ? 0 : 1)'
if command -v node >/dev/null 2>&1 && node -e "$fits" "$version" 2>/dev/null; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "node24.sh: no Node.js package for $(uname -s); install Node.js $major yourself" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64 | amd64) cpu=x64 ;; aarch64 | arm64) cpu=arm64 ;; *) echo "node24.sh: no Node.js package for $(uname -m); install Node.js $major yourself" >&2; exit 1 ;; esac

dir="${NODE24_CACHE:-$HOME/.cache/traced-queue}/node-v$version-$os-$cpu"
if [ ! -x "$dir/bin/node" ]; then
  command -v npm >/dev/null 2>&1 || { echo "node24.sh: npm is needed to fetch Node.js $version" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-$os-$cpu@$version" >/dev/null)
  mkdir -p "$tmp/extract"
  tar -xzf "$tmp"/node-*.tgz -C "$tmp/extract"
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/extract/package" "$dir"
fi
"$dir/bin/node" --version >/dev/null
echo "$dir/bin"
