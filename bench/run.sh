#!/usr/bin/env bash
# Speed and memory of portshift on the shared corpus, measured with public
# tools: hyperfine (wall time over repeated runs) and /usr/bin/time -v (peak
# resident memory). xmlstarlet, which re-serialises the document, is timed
# as a baseline for the one edit it can make (the <Offset> element).
#
# usage: bench/run.sh [BUILD_DIR]     (needs: hyperfine, time, xmlstarlet)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
corpus=$top/../shared/corpus
bin=$build/portshift
[ -x "$bin" ] || { echo "bench: build portshift first ($bin)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "bench: $corpus not found" >&2; exit 2; }
for tool in hyperfine /usr/bin/time xmlstarlet; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine time xmlstarlet)" >&2; exit 2; }
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
homes=()
for t in "$corpus"/wso2* "$corpus"/variants/wso2*; do
  for f in repository/conf/carbon.xml conf/carbon.xml repository/conf/deployment.toml conf/deployment.toml; do
    if [ -f "$t/$f" ]; then homes+=("$t"); break; fi
  done
done
echo "homes: ${#homes[@]} trees"

# The largest tree (132 files, 1.1 MB), and the one with the most runtimes (4).
big=$corpus/wso2am-4.2.0
multi=$corpus/wso2ei-6.6.0
cp -a "$big" "$scratch/home"
carbon=$scratch/home/repository/conf/carbon.xml

hyperfine --warmup 3 --runs 30 --export-markdown "$scratch/speed.md" \
  -n "plan, largest tree" "$bin plan --offset 3 $big" \
  -n "diff, largest tree" "$bin diff --offset 3 $big || true" \
  -n "diff, EI home with 4 runtimes" "$bin diff --offset 3 $multi || true" \
  -n "diff, all ${#homes[@]} trees in one call" "$bin diff --offset 3 ${homes[*]} || true" \
  -n "check, all ${#homes[@]} trees in one call" "$bin check ${homes[*]} || true" \
  -n "check --listening, all ${#homes[@]} trees" "$bin check --listening ${homes[*]} || true" \
  -n "apply 3 then 0, largest tree (copy)" "$bin apply --offset 3 $scratch/home && $bin apply --offset 0 $scratch/home" \
  -n "xmlstarlet: <Offset> only, one carbon.xml" \
     "xmlstarlet ed -N c=http://wso2.org/projects/carbon/carbon.xml -u /c:Server/c:Ports/c:Offset -v 3 $carbon >/dev/null"
cat "$scratch/speed.md"

echo
echo "peak memory (maximum resident set size):"
for cmd in "plan --offset 3 $big" "plan --offset 3 $multi" "diff --offset 3 ${homes[*]}"; do
  # diff exits 1 when changes are pending; only the memory figure matters here.
  kb=$( (/usr/bin/time -v "$bin" $cmd >/dev/null 2>"$scratch/time.txt") 2>/dev/null || true
        awk -F': ' '/Maximum resident/ {print $2}' "$scratch/time.txt")
  printf '  %8s KiB  portshift %s\n' "$kb" "$(echo "$cmd" | cut -c1-60)"
done
