#!/usr/bin/env bash
# `portshift fleet check` over 10, 100 and 1,000 generated facts documents
# (issue 18: 1,000 hosts' facts checked in about a second). The documents
# come from the real `portshift facts` on copies of two corpus trees:
#   gateway      wso2am-4.2.0 whose [apim.key_manager] service_url is
#                https://km1.example:9443/services/
#   key manager  wso2is-7.1.0 at offset 1 (listens on 9444)
# then varied by a small script into a fleet: every tenth host a key manager
# kmK.example (at offset 1, or at 0 for odd K), the nine after it gateways
# gwN.example pointing at it, so half the gateways are stale (findings) and
# the rest owned; each host with a hostname of its own.
# Wall time and CPU are medians of RUNS runs (bench/timed.c); the peak
# resident memory is /usr/bin/time -v's at the largest count.
#
# usage: bench/fleet.sh [BUILD_DIR] [COUNTS...]   (default: build, 10 100 1000)
#        RUNS=N (default 5)
# needs: cc, python3, /usr/bin/time
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_setup "${1:-}" bench-fleet python3 /usr/bin/time
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10 100 1000)
runs=${RUNS:-5}
max=$(largest "${counts[@]}")
for tree in wso2am-4.2.0 wso2is-7.1.0; do
  [ -d "$corpus/$tree" ] || { echo "bench: $corpus/$tree not found" >&2; exit 2; }
done

cd "$scratch"
cp -a "$corpus/wso2am-4.2.0" gw
cp -a "$corpus/wso2is-7.1.0" km
sed -i 's|^\[apim.key_manager\]$|&\nservice_url = "https://km1.example:9443/services/"|' \
  gw/repository/conf/deployment.toml
sed -i '0,/^\[server\]$/s//&\noffset = 1/' km/repository/conf/deployment.toml
"$bin" facts gw >gw.json
"$bin" facts --host-name km1.example km >km1.json
grep -q '"host":"km1.example","port":9443,"role":"key-manager","what":null,"local":false' gw.json ||
  { echo "bench: the gateway's facts have no remote key-manager reference" >&2; exit 1; }

# The fleet: host i (1-based) is key manager K = (i+9)/10 when i % 10 == 1,
# else a gateway of key manager K.
python3 - "$max" <<'PY'
import copy, json, os, sys
n = int(sys.argv[1])
gw, km = json.load(open("gw.json")), json.load(open("km1.json"))
os.mkdir("fleet")
def named(doc, hostname, alias):
    d = copy.deepcopy(doc)
    d["host"] = {"hostname": hostname, "names": [
        {"name": hostname, "from": "hostname", "home": None, "runtime": None,
         "file": None, "path": None, "line": None, "col": None},
        {"name": alias, "from": "alias", "home": None, "runtime": None,
         "file": None, "path": None, "line": None, "col": None}]}
    return d
for i in range(1, n + 1):
    k = (i + 9) // 10
    if i % 10 == 1:
        d = named(km, "kmhost%d" % k, "km%d.example" % k)
        for h in d["homes"]:
            if k % 2:  # odd K at offset 0: the gateways' 9443 is right
                h["offset"] = 0
                for l in h["listeners"]:
                    l["port"] = l["base"]  # at offset 0 every kind listens on its base
    else:
        d = named(gw, "gwhost%d" % i, "gw%d.example" % i)
        for r in d["references"]:
            if r["host"] == "km1.example":
                r["host"] = "km%d.example" % k
    with open("fleet/%04d.json" % i, "w") as f:
        json.dump(d, f, separators=(",", ":"))
PY
echo "facts: $(du -sh fleet | cut -f1) in $max documents ($(wc -c <gw.json) bytes a gateway's)"

printf '%-6s %10s %10s %9s %9s\n' hosts wall_s cpu_s findings notes
for n in "${counts[@]}"; do
  files=()
  for i in $(ids "$n"); do files+=("fleet/$i.json"); done
  # the gateways of the even key managers are stale: findings, exit 1
  out=$("$bin" fleet check "${files[@]}" || true)
  summary=$(tail -n1 <<<"$out")
  findings=$(awk '{print $1}' <<<"$summary") notes=$(awk '{print $3}' <<<"$summary")
  want=1
  [ "$findings" -gt 0 ] || want=0
  : >"t$n"
  for _ in $(seq "$runs"); do timed_run "t$n" "$want" "$bin" fleet check "${files[@]}"; done
  printf '%-6s %10.3f %10.3f %9s %9s\n' "$n" "$(median "t$n" 1)" "$(median "t$n" 23)" "$findings" "$notes"
done
files=()
for i in $(ids "$max"); do files+=("fleet/$i.json"); done
/usr/bin/time -v "$bin" fleet check "${files[@]}" >/dev/null 2>time.txt || true
echo "peak RSS at $max hosts: $(awk -F': ' '/Maximum resident/ {print $2}' time.txt) KiB"
