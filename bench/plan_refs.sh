#!/usr/bin/env bash
# Planning time against the number of literal local references: a small home
# (tests/fixtures/errors/good) plus one generated file of N references to the
# HTTPS connector (https://localhost:9443/...), each of which `diff --offset 3`
# moves to 9446. Owners are found through a port index, so time and memory
# should grow about linearly in N: the "per 10k" column stays about flat.
# The last row is one file of about 14 MB, under the 16 MiB per-file cap.
#
# usage: bench/plan_refs.sh [BUILD_DIR]     (needs: hyperfine, /usr/bin/time)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
bin=$build/portshift
[ -x "$bin" ] || { echo "bench: build portshift first ($bin)" >&2; exit 2; }
for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine time)" >&2; exit 2; }
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
home=$scratch/home
cp -a "$top/tests/fixtures/errors/good" "$home"
refs=$home/repository/conf/refs.xml

# N references, one per line, in the text of an element.
generate() {
  awk -v n="$1" 'BEGIN { print "<refs>"; for (i = 0; i < n; i++) printf "  <u>https://localhost:9443/x%d</u>\n", i; print "</refs>" }' >"$refs"
}

printf '%9s %10s %12s %10s %12s\n' references bytes "mean (ms)" "per 10k" "peak (KiB)"
for n in 10000 20000 40000 80000 350000; do
  generate "$n"
  # diff exits 1: changes are pending.
  hyperfine -N --warmup 1 --runs 10 --export-json "$scratch/h.json" -i "$bin diff --offset 3 $home" \
    >/dev/null 2>&1
  ms=$(awk -F': ' '/"mean"/ { gsub(/,/, "", $2); printf "%.0f", $2 * 1000; exit }' "$scratch/h.json")
  /usr/bin/time -f '%M' -o "$scratch/mem" "$bin" diff --offset 3 "$home" >/dev/null || true
  printf '%9d %10d %12d %10.1f %12d\n' "$n" "$(stat -c %s "$refs")" "$ms" \
    "$(echo "$ms * 10000 / $n" | bc -l)" "$(tail -n 1 "$scratch/mem")"
done
