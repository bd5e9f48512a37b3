#!/usr/bin/env bash
# Builds the libFuzzer targets (preset fuzz: clang-14, AddressSanitizer + UBSan) and runs each for a fixed
# time on top of its committed seeds, tests/fuzz/corpus/<name>/, as many at a time as there are cores.
# The seeds are copied to build/fuzz/run/<name>/corpus first, so the repository is never written; what a
# run adds stays there for the next run (delete the folder to start again from the seeds). A crash or a broken property fails the run and prints the reproducer's path;
# replay one with `build/fuzz/bin/fuzz_<name> <file>`.
#   tools/fuzz.sh [--time SECONDS] [name ...]    (default: 30 s each, every target)
# The last line is "fuzz: N passed, M failed" (tools/test.sh counts it).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=30
names=()
while (( $# )); do
  case $1 in
    --time) seconds=${2:-}; shift 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 1 ]] || { echo "fuzz: --time takes a number of seconds"; exit 2; }
jobs=$(nproc)

mkdir -p build/fuzz
if ! { cmake --preset fuzz && cmake --build --preset fuzz -j "$jobs"; } >build/fuzz/build.log 2>&1; then
  tail -n 40 build/fuzz/build.log
  echo "fuzz: the targets did not build (build/fuzz/build.log)"
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
if (( ${#names[@]} == 0 )); then
  for bin in build/fuzz/bin/fuzz_*; do names+=("${bin##*/fuzz_}"); done
fi

run_one() { # name: runs one target, leaves its exit status in run/<name>/status
  local name=$1 run=build/fuzz/run/$1
  rm -rf "$run/artifacts" && mkdir -p "$run/corpus" "$run/artifacts"
  [[ -d tests/fuzz/corpus/$name ]] && cp tests/fuzz/corpus/"$name"/* "$run/corpus/" # kept from earlier runs too
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: 2 GB is what a browser tab grants us at most.
  "build/fuzz/bin/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$run/artifacts/" "$run/corpus" >"$run/log" 2>&1
  echo $? >"$run/status"
}

echo "fuzz: ${#names[@]} target(s), $seconds s each, $jobs at a time"
for name in "${names[@]}"; do
  [[ -x build/fuzz/bin/fuzz_$name ]] || { echo "fuzz: no target fuzz_$name"; exit 2; }
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n; done
  UBSAN_OPTIONS=print_stacktrace=1 run_one "$name" &
done
wait

passed=0 failed=0
for name in "${names[@]}"; do
  run=build/fuzz/run/$name
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$run/log")
  if [[ $(cat "$run/status" 2>/dev/null) == 0 ]]; then
    passed=$((passed + 1))
    echo "fuzz_$name: passed, ${execs:-?} inputs, $(ls "$run/corpus" | wc -l) in the corpus now"
  else
    failed=$((failed + 1))
    echo "fuzz_$name: FAILED after ${execs:-?} inputs"
    grep -E "property does not hold|runtime error|ERROR: (AddressSanitizer|libFuzzer)|SUMMARY" "$run/log" | head -n 5
    for f in "$run"/artifacts/*; do [[ -e $f ]] && echo "  reproducer: $f (replay: build/fuzz/bin/fuzz_$name $f)"; done
    echo "  log: $run/log"
  fi
done
echo "fuzz: $passed passed, $failed failed"
(( failed == 0 ))
