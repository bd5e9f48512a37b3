#!/usr/bin/env bash
# Installs what the build and the tests need, and nothing that is already there.
# Sources: Debian's archive (apt) and the npm registry (npm ci, pinned by package-lock.json) only.
#   tools/setup.sh           what building and serving the playground needs
#   tools/setup.sh --test    plus what the test command needs (browser, Xvfb, reference libraries)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

say() { echo "[setup] $*" >&2; }
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages -------------------------------------------------------
debs=(cmake ninja-build g++ pkg-config emscripten node-acorn nodejs npm libglfw3-dev libgl-dev catch2 libstb-dev
      nlohmann-json3-dev zlib1g-dev libcli11-dev dataset-fashion-mnist
      dpkg-dev xz-utils ca-certificates fonts-dejavu-core)
# --test adds the browser test's Chromium and Xvfb, the reference libraries, and clang-14 with its runtime
# (libFuzzer, sanitizers) for the fuzz targets in tests/fuzz (tools/fuzz.sh).
(( want_test )) && debs+=(chromium xvfb xauth libgl1-mesa-dri python3-numpy python3-scipy python3-torch clang-14 libclang-rt-14-dev)

missing=()
for p in "${debs[@]}"; do
  # nodejs/npm may come from another repository (NodeSource) on some machines: accept any working binary.
  case $p in nodejs) command -v node >/dev/null && continue;; npm) command -v npm >/dev/null && continue;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
apt_updated=0
apt_update() { (( apt_updated )) || { say "apt-get update"; as_root apt-get update -qq; apt_updated=1; }; }
if (( ${#missing[@]} )); then
  apt_update
  say "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# --- Dear ImGui source (Debian source package; libimgui-dev has no imgui.cpp) ---------------
imgui_dir="$root/build/deps/imgui"
if [[ ! -f "$imgui_dir/imgui.cpp" || ! -f "$imgui_dir/backends/imgui_impl_glfw.cpp" ]]; then
  if ! grep -rqs "^Types:.*deb-src" /etc/apt/sources.list.d/ && ! grep -qs "^deb-src" /etc/apt/sources.list; then
    # Mirror the existing Debian 'deb' entry as 'deb-src' (same URI, suite and keyring).
    src=/etc/apt/sources.list.d/debian.sources
    uri=$(awk '/^URIs:/{print $2; exit}' "$src" 2>/dev/null || true)
    key=$(awk '/^Signed-By:/{print $2; exit}' "$src" 2>/dev/null || true)
    say "adding a deb-src entry for ${uri:-http://deb.debian.org/debian}"
    printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: %s\n' \
      "${uri:-http://deb.debian.org/debian}" "${key:-/usr/share/keyrings/debian-archive-keyring.gpg}" \
      | as_root tee /etc/apt/sources.list.d/convplay-deb-src.sources >/dev/null
    apt_updated=0
  fi
  apt_update
  tmp=$(mktemp -d)
  say "fetching the imgui source package"
  (cd "$tmp" && apt-get source --download-only imgui >&2 2>/dev/null || (cd "$tmp" && as_root apt-get source --download-only imgui >&2))
  orig=$(ls "$tmp"/imgui_*.orig.tar.* | head -n1)
  rm -rf "$imgui_dir" && mkdir -p "$imgui_dir"
  tar -xf "$orig" -C "$imgui_dir" --strip-components=1
  rm -rf "$tmp"
  [[ -f "$imgui_dir/imgui.cpp" ]] || { say "error: the imgui source package has no imgui.cpp"; exit 1; }
fi

# --- Sample pictures (Debian's python3-skimage, unpacked, not installed) -----------------------
# scikit-image's sample photographs (the cat, the astronaut, ...) for the scenes 'color' and 'features'.
# Only the .deb is fetched and unpacked into build/deps/skimage; nothing is installed, nothing vendored.
skimage_dir="$root/build/deps/skimage"
skimage_stamp="$skimage_dir/.convplay-stamp"
if [[ ! -f "$skimage_stamp" ]]; then
  apt_update
  tmp=$(mktemp -d)
  say "fetching the python3-skimage package (sample pictures)"
  (cd "$tmp" && { apt-get download python3-skimage >&2 2>/dev/null || as_root apt-get download python3-skimage >&2; })
  deb=$(ls "$tmp"/python3-skimage_*.deb | head -n1)
  rm -rf "$skimage_dir" && mkdir -p "$skimage_dir"
  dpkg-deb -x "$deb" "$skimage_dir"
  rm -rf "$tmp"
  data="$skimage_dir/usr/lib/python3/dist-packages/skimage/data"
  for f in chelsea.png astronaut.png coffee.png camera.png; do
    [[ -f "$data/$f" ]] || { say "error: python3-skimage has no $f"; exit 1; }
  done
  basename "$deb" > "$skimage_stamp"
fi

# --- npm packages (pinned by package-lock.json) -------------------------------
if (( want_test )) && [[ -f "$root/package-lock.json" ]]; then
  stamp="$root/node_modules/.convplay-lock"
  if [[ ! -f "$stamp" ]] || ! cmp -s "$root/package-lock.json" "$stamp"; then
    say "npm ci"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
    cp "$root/package-lock.json" "$stamp"
  fi
fi
say "ready"
