#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, AddressSanitizer with leak
# checks, UndefinedBehaviorSanitizer) and runs each for SECONDS (default 60),
# one after the other, each in a single process:
#   pipeline  tests/fuzz/fuzz_pipeline.c: a home built from the input, through
#             detect, load, sites, plan, render and diff
#   parsers   tests/fuzz/fuzz_parsers.c: the XML, TOML, .properties and
#             reference scanners
#   json      tests/fuzz/fuzz_json.c: the JSON reader and the facts reader
#   recovery  tests/fuzz/fuzz_recovery.c: mutated crash records over real
#             interrupted applies, through recover, apply and diff; as nobody
#             when run as root (unpriv.sh), in a folder of its own, since its
#             finding is a write outside the home
# each starting from its seeds (seeds.sh) and its regressions
# (tests/fuzz/regressions/<target>/), which CTest replays too (replay.sh).
#
#   tests/fuzz/run.sh [SECONDS] [pipeline|parsers|json|recovery]...   (default: all)
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
[ ${#targets[@]} -gt 0 ] || targets=(pipeline parsers json recovery)
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
  case $t in pipeline | recovery) support=("$top/tests/support/tree.c" "$top/tests/support/xalloc.c") ;; esac
  # shellcheck disable=SC2046,SC2086
  clang -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -fsanitize=fuzzer $san \
    -I"$top/src" -I"$top/include" $(pkg-config --cflags libxml-2.0) "$top/tests/fuzz/fuzz_$t.c" \
    "${support[@]}" "$work/build/libportshift_core.a" $(pkg-config --libs libxml-2.0) -o "$work/fuzz_$t"
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  opts=(-max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048
    -print_final_stats=1)
  dict=$top/tests/fuzz/$t.dict
  if [ "$t" = recovery ]; then
    # As nobody when root, from copies in a folder of its own (unpriv.sh);
    # the corpus and the artifacts are copied back after.
    # shellcheck source=tests/fuzz/unpriv.sh
    . "$top/tests/fuzz/unpriv.sh"
    unpriv_box fuzz-recovery
    cp "$work/fuzz_$t" "$dict" "$box/"
    "$top/tests/fuzz/seeds.sh" "$t" "$work/seeds/$t" "$box/fuzz_$t"
    mkdir "$box/corpus" "$box/artifacts"
    cp -r "$work/seeds/$t" "$box/seeds"
    cp -r "$work/corpus/$t/." "$box/corpus/"
    dirs=("$box/corpus" "$box/seeds")
    if [ -d "$top/tests/fuzz/regressions/$t" ]; then
      cp -r "$top/tests/fuzz/regressions/$t" "$box/regressions"
      dirs+=("$box/regressions")
    fi
    unpriv_give "$box"
    opts+=(-dict="$box/$t.dict" -artifact_prefix="$box/artifacts/")
    runner=$(id -un)
    [ "$(id -u)" -ne 0 ] || runner=$unpriv_user
    echo "== $t: $seconds s as $runner in $box; corpus $work/corpus/$t, artifacts $work/artifacts/$t"
    status=0
    unpriv "$box/fuzz_$t" "${opts[@]}" "${dirs[@]}" || status=$?
    cp -r "$box/corpus/." "$work/corpus/$t/"
    cp -r "$box/artifacts/." "$work/artifacts/$t/"
    rm -rf "$box"
    [ "$status" -eq 0 ] || failed=1
    continue
  fi
  "$top/tests/fuzz/seeds.sh" "$t" "$work/seeds/$t"
  opts+=(-artifact_prefix="$work/artifacts/$t/")
  [ -f "$dict" ] && opts+=(-dict="$dict")
  dirs=("$work/corpus/$t" "$work/seeds/$t")
  [ -d "$top/tests/fuzz/regressions/$t" ] && dirs+=("$top/tests/fuzz/regressions/$t")
  echo "== $t: $seconds s; corpus $work/corpus/$t, artifacts $work/artifacts/$t"
  "$work/fuzz_$t" "${opts[@]}" "${dirs[@]}" || failed=1
done
exit "$failed"
