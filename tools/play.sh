#!/usr/bin/env bash
# Runs the playground: installs what is missing, builds both WebAssembly variants (threads and
# single-threaded), serves the repository on http://127.0.0.1:PORT and prints the address.
#   tools/play.sh [--port N] [--no-isolation]   serve the page (default port 8080)
#   tools/play.sh --native [APP OPTIONS]          build and open the native window instead
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/tools/setup.sh"
export NODE_PATH=/usr/share/nodejs # emcc's JS optimizer needs Debian's acorn

build() { # preset
  [[ -f "build/$1/CMakeCache.txt" ]] || cmake --preset "$1" >/dev/null
  cmake --build --preset "$1"
}

if [[ "${1:-}" == "--native" ]]; then
  shift
  build native
  exec "build/native/bin/convplay_app" "$@"
fi

build wasm-mt
build wasm-st
exec node web/server.js "$@"
