#!/usr/bin/env bash
# Many homes in one call: `portshift diff --offset 3` over 1, 10, 50 and 200
# copies of the corpus's wso2am-2.6.0, side by side in one run with what the
# same work costs other tools on the same files:
#   xmllint   one `xmllint --noout --nonet` process over all their XML files
#   cat       one `cat` process over all their files
#   operator  bench/operator.sh, the xmlstarlet + sed script making the same
#             edits in place (on fresh copies, restored before each run)
# It prints wall-clock medians (hyperfine), the ratios to portshift, and the
# peak resident memory of each (/usr/bin/time -v). Before timing, it checks
# that the operator script's result is what portshift would write (`portshift
# diff --offset 3` on it has nothing to change).
#
# usage: bench/host.sh [BUILD_DIR] [COUNTS...]   (default: build, 1 10 50 200)
# needs: hyperfine, /usr/bin/time, xmllint, xmlstarlet, jq
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 10 50 200)
bin=$build/portshift
home=$top/../shared/corpus/wso2am-2.6.0
[ -x "$bin" ] || { echo "bench: build portshift first ($bin)" >&2; exit 2; }
[ -d "$home" ] || { echo "bench: $home not found" >&2; exit 2; }
for tool in hyperfine /usr/bin/time xmllint xmlstarlet jq; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine time libxml2-utils xmlstarlet jq)" >&2; exit 2; }
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
copy_homes "$home" homes "$(largest "${counts[@]}")"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "portshift: $bin"
echo

# One script per contestant and count, each a single exec: the same start-up
# cost for all of them, and no argument list left to a shell's expansion.
script() { # name, command words...
  local name=$1
  shift
  printf 'exec' >"$name.sh"
  printf ' %q' "$@" >>"$name.sh"
  echo >>"$name.sh"
}
for n in "${counts[@]}"; do
  homes=() ophomes=() ids=()
  for i in $(ids "$n"); do
    homes+=("homes/$i/wso2am-2.6.0")
    ophomes+=("op-$n/$i/wso2am-2.6.0")
    ids+=("homes/$i")
  done
  mapfile -t xml < <(find "${homes[@]}" -type f -name '*.xml' | sort)
  mapfile -t all < <(find "${homes[@]}" -type f | sort)
  script "portshift-$n" "$bin" diff --offset 3 "${homes[@]}"
  script "xmllint-$n" xmllint --noout --nonet "${xml[@]}"
  script "cat-$n" cat "${all[@]}"
  script "operator-$n" sh "$top/bench/operator.sh" 3 "${ophomes[@]}"
  { echo "rm -rf op-$n && mkdir op-$n"; printf 'cp -a'; printf ' %q' "${ids[@]}"; echo " op-$n/"; } >"restore-$n.sh"
  echo "$n homes: ${#all[@]} files, ${#xml[@]} of them XML, $(cat "${all[@]}" | wc -c) bytes"
done
echo

# Each contestant works: diff has changes pending (exit 1), the others succeed.
for n in "${counts[@]}"; do
  st=0
  sh "portshift-$n.sh" >/dev/null || st=$?
  [ $st -eq 1 ] || { echo "bench: portshift diff over $n homes: exit $st" >&2; exit 1; }
  if ! sh "xmllint-$n.sh" || ! sh "cat-$n.sh" >/dev/null; then
    echo "bench: xmllint or cat failed" >&2
    exit 1
  fi
done
# The operator script does what portshift does: nothing left to change after it.
sh "restore-${counts[0]}.sh"
sh "operator-${counts[0]}.sh"
"$bin" diff --offset 3 "op-${counts[0]}"/*/wso2am-2.6.0 >/dev/null ||
  { echo "bench: operator.sh does not make portshift's edits" >&2; exit 1; }

peak() { # script -> KiB (diff's exit status 1 is no failure)
  { /usr/bin/time -v sh "$1" 2>&1 >/dev/null || true; } | awk -F': ' '/Maximum resident/ {print $2}'
}
declare -A ps_ms ps_kb
printf '%6s  %-10s %10s %10s %11s\n' homes tool "median ms" "ratio" "peak KiB"
for n in "${counts[@]}"; do
  runs=$((n >= 200 ? 5 : n >= 50 ? 10 : 20))
  hyperfine -N -i --warmup 2 --runs "$runs" --style none --export-json "t-$n.json" \
    -n portshift "sh portshift-$n.sh" \
    -n xmllint "sh xmllint-$n.sh" \
    -n cat "sh cat-$n.sh" >/dev/null 2>&1
  hyperfine -N --warmup 1 --runs $((runs < 10 ? runs : 10)) --style none --export-json "o-$n.json" \
    --prepare "sh restore-$n.sh" -n operator "sh operator-$n.sh" >/dev/null
  ms() { jq -r --arg c "$2" '.results[] | select(.command == $c) | .median * 1000' "$1"; }
  p=$(ms "t-$n.json" portshift)
  for tool in portshift xmllint cat operator; do
    if [ $tool = operator ]; then t=$(ms "o-$n.json" operator); else t=$(ms "t-$n.json" $tool); fi
    if [ $tool = operator ]; then sh "restore-$n.sh"; fi
    kb=$(peak "$tool-$n.sh")
    if [ $tool = portshift ]; then ps_ms[$n]=$t ps_kb[$n]=$kb; fi
    printf '%6s  %-10s %10.1f %10s %11s\n' "$n" "$tool" "$t" \
      "$(awk -v p="$p" -v t="$t" -v tool=$tool 'BEGIN { if (tool == "portshift") print "-"; else printf "%.2fx\n", p / t }')" "$kb"
  done
done
echo
echo "ratio: portshift's median over the tool's (below 1: portshift is faster)"
if [ -n "${ps_ms[50]:-}" ] && [ -n "${ps_ms[200]:-}" ]; then
  awk -v a="${ps_ms[200]}" -v b="${ps_ms[50]}" 'BEGIN { printf "portshift, 200 homes over 50: %.2fx the time\n", a / b }'
fi
if [ -n "${ps_kb[10]:-}" ] && [ -n "${ps_kb[200]:-}" ]; then
  awk -v a="${ps_kb[200]}" -v b="${ps_kb[10]}" 'BEGIN { printf "portshift, 200 homes over 10: %.2fx the peak memory\n", a / b }'
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
