#!/usr/bin/env bash
# Runs every test: the core and app unit tests natively, under AddressSanitizer + UBSan, the threaded
# tests under ThreadSanitizer, and as
# WebAssembly under Node (threaded and single-threaded builds); the native window under Xvfb; the
# browser test in headless Chromium; and each fuzz target for 30 s (tools/fuzz.sh). Installs what is
# missing first. Exits non-zero on any failure.
#   tools/test.sh [--only native,native-asan,native-tsan,wasm-mt,wasm-st,browser,fuzz]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
stages=native,native-asan,native-tsan,wasm-mt,wasm-st,browser,fuzz
[[ "${1:-}" == "--only" && -n "${2:-}" ]] && stages=$2
"$root/tools/setup.sh" --test || { echo "setup failed"; exit 1; }
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc)

passed=0 failed=0 failed_stages=()
count_ctest() { # parses "NN% tests passed, F tests failed out of T"
  local line t f
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$1" | tail -n1)
  if [[ -z "$line" ]]; then failed=$((failed + 1)); return; fi
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  t=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
  passed=$((passed + t - f)); failed=$((failed + f))
}
run_preset() { # preset
  local log="build/test-logs/$1.log"
  mkdir -p build/test-logs
  echo "=== $1: configure, build, test"
  if ! { cmake --preset "$1" >/dev/null && cmake --build --preset "$1" -j "$jobs"; } >"$log.build" 2>&1; then
    tail -n 60 "$log.build"; echo "=== $1: BUILD FAILED"; failed=$((failed + 1)); failed_stages+=("$1"); return
  fi
  ctest --preset "$1" 2>&1 | tee "$log" | grep -vE "^ +[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed" || true
  count_ctest "$log"
  grep -qE "100% tests passed" "$log" || failed_stages+=("$1")
}

IFS=, read -r -a want <<<"$stages"
timings=()
for s in "${want[@]}"; do
  started=$SECONDS
  case $s in
    native|native-asan|native-tsan|wasm-mt|wasm-st) run_preset "$s" ;;
    browser)
      echo "=== browser: build both WebAssembly variants, then headless Chromium"
      for p in wasm-mt wasm-st; do
        [[ -f build/$p/bin/convplay_app.js ]] || { cmake --preset $p >/dev/null && cmake --build --preset $p -j "$jobs" >/dev/null; }
      done
      log=build/test-logs/browser.log
      mkdir -p build/test-logs
      node tests/browser/run.mjs 2>&1 | tee "$log"
      line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log" | tail -n1)
      if [[ -n "$line" ]]; then
        passed=$((passed + ${line%% passed*})); f=${line#*, }; failed=$((failed + ${f%% failed*}))
        [[ ${f%% failed*} == 0 ]] || failed_stages+=(browser)
      else
        failed=$((failed + 1)); failed_stages+=(browser)
      fi ;;
    fuzz)
      echo "=== fuzz: build the libFuzzer targets, run each for 30 s on top of its seeds"
      log=build/test-logs/fuzz.log
      mkdir -p build/test-logs
      "$root/tools/fuzz.sh" --time 30 2>&1 | tee "$log"
      line=$(grep -E "^fuzz: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n1)
      if [[ -n "$line" ]]; then
        p=${line#fuzz: }; passed=$((passed + ${p%% passed*})); f=${line#*, }; failed=$((failed + ${f%% failed*}))
        [[ ${f%% failed*} == 0 ]] || failed_stages+=(fuzz)
      else
        failed=$((failed + 1)); failed_stages+=(fuzz)
      fi ;;
    *) echo "unknown stage '$s' (known: native, native-asan, native-tsan, wasm-mt, wasm-st, browser, fuzz)"; exit 2 ;;
  esac
  timings+=("$s $((SECONDS - started)) s")
  echo "=== $s: $((SECONDS - started)) s"
done

echo "=== stage times (the CI budget is 45 min in all): $(IFS=,; echo "${timings[*]}" | sed 's/,/, /g'), total $SECONDS s"
echo "=== stages with failures: ${failed_stages[*]:-none}"
echo "Total: $passed passed, $failed failed"
[[ $failed == 0 && ${#failed_stages[@]} == 0 ]]
