#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, AddressSanitizer with leak
# checks, UndefinedBehaviorSanitizer) and runs each for SECONDS (default 60),
# one after the other, each in a single process:
#   pipeline  tests/fuzz/fuzz_pipeline.c: a home built from the input, through
#             detect, load, sites, plan, render and diff (seeds: every fixture
#             home packed by pack_home.sh, and tests/fuzz/regressions)
#   parsers   tests/fuzz/fuzz_parsers.c: the XML, TOML, .properties and
#             reference scanners (seeds: the fixture and example files)
#
#   tests/fuzz/run.sh [SECONDS] [pipeline|parsers]...     (default: both)
#
# Everything goes to $PORTSHIFT_FUZZ_DIR (default ${TMPDIR:-/tmp}/portshift-fuzz),
# outside the source tree: the build, a corpus per target kept from run to run,
# and artifacts/<target>/ with the inputs that crashed, leaked or timed out.
# Needs: clang, libclang-rt-14-dev (Debian), libxml2-dev, cmake.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pipeline parsers)
work=${PORTSHIFT_FUZZ_DIR:-${TMPDIR:-/tmp}/portshift-fuzz}
mkdir -p "$work"
work=$(cd "$work" && pwd)
case "$work/" in
"$top"/*) echo "run.sh: $work is inside the source tree" >&2; exit 2 ;;
esac

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cmake -S "$top" -B "$work/build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DBUILD_TESTING=OFF -DCMAKE_C_FLAGS="-O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $san" >/dev/null
cmake --build "$work/build" --target portshift_core -j2 >/dev/null
for t in "${targets[@]}"; do
  support=()
  [ "$t" = pipeline ] && support=("$top/tests/support/tree.c")
  # shellcheck disable=SC2046,SC2086
  clang -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fsanitize=fuzzer $san \
    -I"$top/src" -I"$top/include" $(pkg-config --cflags libxml-2.0) "$top/tests/fuzz/fuzz_$t.c" \
    "${support[@]}" "$work/build/libportshift_core.a" $(pkg-config --libs libxml-2.0) -o "$work/fuzz_$t"
done

seeds() {
  rm -rf "$work/seeds/$1"
  mkdir -p "$work/seeds/$1"
  if [ "$1" = parsers ]; then
    find "$top/examples" "$top/tests/fixtures" -type f -size -64k -exec cp {} "$work/seeds/parsers/" \;
    return
  fi
  local home i=0
  for home in "$top"/examples/*/ "$top"/tests/fixtures/{cli,products,errors}/*/; do
    i=$((i + 1))
    # No target, a target for the home, a target for its second runtime (EI profiles).
    "$top/tests/fuzz/pack_home.sh" "${home%/}" 0 0 >"$work/seeds/pipeline/$i-keep"
    "$top/tests/fuzz/pack_home.sh" "${home%/}" 3 1 >"$work/seeds/pipeline/$i-home"
    "$top/tests/fuzz/pack_home.sh" "${home%/}" 5 3 >"$work/seeds/pipeline/$i-profile"
  done
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "${targets[@]}"; do
  seeds "$t"
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  opts=(-max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="$work/artifacts/$t/")
  dirs=("$work/corpus/$t" "$work/seeds/$t")
  if [ "$t" = pipeline ]; then
    opts+=(-dict="$top/tests/fuzz/pipeline.dict")
    dirs+=("$top/tests/fuzz/regressions")
  fi
  echo "== $t: $seconds s; corpus $work/corpus/$t, artifacts $work/artifacts/$t"
  "$work/fuzz_$t" "${opts[@]}" "${dirs[@]}" || failed=1
done
exit "$failed"
