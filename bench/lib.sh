# shellcheck shell=bash
# Shared by the bench scripts (sourced, not run; defines functions only):
# copies of a home, and for apply.sh and nested.sh the build and corpus they
# use, the tool check, a scratch folder on the disk the build is on, the
# timing helper, and medians.
#
# bench_setup sets: top, build, bin, corpus, scratch, timed. Needs: cc, awk, sort.

ids() { seq -f '%04g' 1 "$1"; }

largest() { # N... -> the largest
  local m=0 n
  for n in "$@"; do [ "$n" -gt "$m" ] && m=$n; done
  echo "$m"
}

# DEST/0001/NAME ... DEST/N/NAME: N copies of HOME, each keeping its folder
# name (wso2am-2.6.0), as unpacked homes do.
copy_homes() { # HOME DEST N
  local i
  for i in $(ids "$3"); do
    mkdir -p "$2/$i"
    cp -a "$1" "$2/$i/"
  done
}

bench_setup() { # BUILD_DIR-or-empty, name of the scratch folder, tools...
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  build=$(cd "${1:-$top/build}" 2>/dev/null && pwd) || { echo "bench: no build folder ${1:-$top/build}" >&2; exit 2; }
  local name=$2
  shift 2
  bin=$build/portshift
  corpus=$top/../shared/corpus
  [ -x "$bin" ] || { echo "bench: build portshift first ($bin)" >&2; exit 2; }
  [ -d "$corpus/wso2am-2.6.0" ] || { echo "bench: $corpus/wso2am-2.6.0 not found" >&2; exit 2; }
  local tool
  for tool in cc awk sort "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
  done
  # fsync on tmpfs costs nothing: the copies sit beside the build, and that
  # must be a real disk.
  local fs
  fs=$(stat -f -c %T "$build")
  case $fs in
    tmpfs | ramfs) echo "bench: $build is on $fs; build on a disk so fsync is real" >&2; exit 2 ;;
  esac
  scratch=$build/$name
  rm -rf "$scratch"
  mkdir -p "$scratch"
  trap 'rm -rf "$scratch"' EXIT
  timed=$scratch/timed
  cc -std=c11 -O2 -o "$timed" "$top/bench/timed.c"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
  echo "disk: $(findmnt -n -o FSTYPE,SOURCE -T "$build" 2>/dev/null || echo "$fs")"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "portshift: $bin"
}

# Runs a command under $timed, appending "wall user sys status" to FILE; fails
# unless the status is the one expected.
timed_run() { # FILE expected-status command...
  local file=$1 want=$2
  shift 2
  "$timed" "$file" "$@" >/dev/null 2>>"$scratch/stderr.log" || true
  local got
  got=$(tail -n1 "$file" | awk '{print $4}')
  if [ "$got" != "$want" ]; then
    echo "bench: '$1 ...' exited $got, expected $want:" >&2
    tail -n3 "$scratch/stderr.log" >&2
    exit 1
  fi
}

# Median of column COL (1 wall, 2 user, 3 sys, 23 user+sys) of a timed file.
median() { # FILE COL
  awk -v c="$2" '{ print (c == 23 ? $2 + $3 : $c) }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# PASS when a <= b, as awk compares floating point.
verdict() { # value limit
  awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b ? "PASS" : "FAIL") }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
