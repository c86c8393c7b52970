#!/usr/bin/env bash
# Writes the seed inputs of fuzz target TARGET into folder OUT (emptied first):
# the same small, deterministic set for libFuzzer (run.sh) and for CTest's
# replay (replay.sh), made from this checkout's own files only.
#   pipeline  every example and fixture home, packed by pack_home.sh three
#             ways: no target, a target for the home, a target for its second
#             runtime (EI profiles)
#   parsers   every example and fixture file under 64 KiB, named for its path
#   json      the schemas and the fixture facts documents (valid JSON, and a
#             document fleet/ reads whole), named for their paths
#   recovery  genuine crash records: the target itself makes them
#             (PORTSHIFT_FUZZ_SEEDS, see fuzz_recovery.c) from applies killed
#             at each rename, so PROGRAM is its replay or libFuzzer build;
#             run as nobody when root (unpriv.sh)
#
#   tests/fuzz/seeds.sh TARGET OUT [PROGRAM]
set -euo pipefail
export LC_ALL=C # the glob and sort orders, so the seeds are the same everywhere
top=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?usage: seeds.sh TARGET OUT}
out=${2:?usage: seeds.sh TARGET OUT}
rm -rf "$out"
mkdir -p "$out"
case "$target" in
parsers)
  (cd "$top" && find examples tests/fixtures -type f -size -64k | sort) | while IFS= read -r f; do
    cp "$top/$f" "$out/${f//\//_}"
  done
  ;;
json)
  (cd "$top" && find schemas tests/fixtures/facts -type f -name '*.json' | sort) | while IFS= read -r f; do
    cp "$top/$f" "$out/${f//\//_}"
  done
  ;;
pipeline)
  for home in "$top"/examples/*/ "$top"/tests/fixtures/{cli,products,errors}/*/; do
    home=${home%/}
    rel=${home#"$top"/}
    name=${rel//\//_}
    # Packed once; the other two differ in their first two bytes (offset, flags).
    "$top/tests/fuzz/pack_home.sh" "$home" 0 0 >"$out/$name-keep"
    { printf '\003\001' && tail -c +3 "$out/$name-keep"; } >"$out/$name-home"
    { printf '\005\003' && tail -c +3 "$out/$name-keep"; } >"$out/$name-profile"
  done
  ;;
recovery)
  program=${3:?usage: seeds.sh recovery OUT PROGRAM}
  # shellcheck source=tests/fuzz/unpriv.sh
  . "$top/tests/fuzz/unpriv.sh"
  unpriv_box seeds
  cp "$program" "$box/program"
  : >"$box/empty"
  mkdir "$box/out"
  unpriv_give "$box"
  PORTSHIFT_FUZZ_SEEDS="$box/out" unpriv "$box/program" "$box/empty" >/dev/null
  cp "$box/out"/* "$out"/
  rm -rf "$box"
  ;;
*)
  echo "seeds.sh: no seeds for fuzz target '$target' (pipeline, parsers, json, recovery)" >&2
  exit 2
  ;;
esac
