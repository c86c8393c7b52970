#!/usr/bin/env bash
# The fleet playbook (examples/ansible/fleet.yml) through ansible-playbook on
# three hosts of one machine (ansible_connection=local, each host's home in a
# folder of its own, its names the inventory's): gw1.example, an API Manager
# 4.2 whose key manager is https://km1.example:9443/services/; km1.example,
# an Identity Server 7.1 at offset 1 (its HTTPS port 9444); gw2.example,
# another API Manager 4.2 already at km1.example:9444.
#  1. The check run: facts gathered, `fleet check` (once, on the controller)
#     finds gw1's stale reference, naming the file, line, column and 9444,
#     the play fails and nothing is written.
#  2. --check --diff with portshift_repair: the diff of gw1's repair, nothing
#     written.
#  3. The repair run: gw1's reference set to 9444 (those bytes alone), the
#     other homes untouched, fleet check clean afterwards.
#  4. Again: fleet check clean, no task changed, nothing written.
# usage: fleet.sh SOURCE_DIR PORTSHIFT_BINARY CORPUS_DIR
set -euo pipefail
src=$(realpath "$1") binary=$(realpath "$2") corpus=$3
. "$src/tests/support/testlib.sh"
. "$src/tests/examples/ansible_lib.sh"
ansible_tools
am=$corpus/wso2am-4.2.0 is=$corpus/wso2is-7.1.0
for h in "$am" "$is"; do
    [ -d "$h" ] || skip "no corpus tree $(basename "$h") at $corpus"
done
ansible_collection

# The three hosts, and a pristine copy of each to compare with.
for d in pristine hosts; do
    gw1=$(copy "$am" "$scratch/$d/gw1") km1=$(copy "$is" "$scratch/$d/km1") gw2=$(copy "$am" "$scratch/$d/gw2")
    toml=repository/conf/deployment.toml
    sed -i '/^\[apim\.key_manager\]$/a service_url = "https://km1.example:9443/services/"' "$gw1/$toml"
    sed -i '/^\[apim\.key_manager\]$/a service_url = "https://km1.example:9444/services/"' "$gw2/$toml"
    (cd / && "$binary" apply -q "$km1=1") || fail "portshift apply cannot set the IS to offset 1"
done
line=$(grep -n '^service_url = "https://km1.example:9443/services/"$' "$gw1/$toml" | cut -d: -f1)
[ -n "$line" ] || fail "no key manager URL planted in gw1's deployment.toml"
# What the repair must leave: gw1's file with that one port set to 9444.
sed "${line}s/:9443/:9444/" "$scratch/pristine/gw1/wso2am-4.2.0/$toml" >"$scratch/gw1-repaired.toml"
# The finding's name, HOST:PATH:LINE:COL: the column of the port (after
# `service_url = "https://km1.example:`).
prefix='service_url = "https://km1.example:'
stale="gw1.example:$gw1/$toml:$line:$((${#prefix} + 1))"

{
    echo "wso2:"
    echo "  hosts:"
    for h in gw1 km1 gw2; do
        echo "    $h.example:"
        echo "      portshift_homes: [$(echo "$scratch/hosts/$h"/wso2*)]"
    done
    echo "  vars:"
    echo "    ansible_connection: local"
    echo "    portshift_binary: $binary"
    echo "    portshift_controller_binary: $binary"
    echo "    portshift_facts_dir: $scratch/facts"
    echo "    portshift_backup: false"
} >"$scratch/inventory.yml"
fleet=(-i "$scratch/inventory.yml" "$src/examples/ansible/fleet.yml")
check_task="Check the references between the hosts"
repair_task="Repair this host's references to the others"

# --- 1. the check run ---------------------------------------------------------
play check "${fleet[@]}"
[ "$status" -ne 0 ] || fail "the check run passed with a stale reference planted"
[ "$(host_result check "$check_task" rc gw1.example)" = 1 ] ||
    fail "fleet check did not exit 1: $(host_result check "$check_task" stderr gw1.example)"
out=$(host_result check "$check_task" stdout gw1.example)
finding=$(grep -F "$stale: stale: " <<<"$out") || fail "fleet check has no stale finding named $stale: $out"
for word in 9443 9444 km1.example; do
    grep -qF "$word" <<<"$finding" || fail "fleet check's finding does not say $word: $finding"
done
grep -qF "$gw2" <<<"$out" && fail "fleet check reports gw2's reference, which is right: $out"
grep -qF "portshift_repair=true" "$scratch/check.json" || fail "the check run does not say how to repair"
for h in gw1 km1 gw2; do
    [ -f "$scratch/facts/$h.example.json" ] || fail "no facts of $h.example kept on the controller"
done
same_tree "$scratch/pristine" "$scratch/hosts" || fail "the check run wrote to the homes"

# --- 2. --check --diff with the repair ------------------------------------------
play dry "${fleet[@]}" -e portshift_repair=true --check --diff
[ "$status" -eq 0 ] || fail "the repair in check mode exited $status: $(cat "$scratch/dry.err")"
[ "$(host_result dry "$repair_task" changed gw1.example)" = true ] || fail "check mode shows no repair on gw1"
diff=$(host_result dry "$repair_task" diff.prepared gw1.example)
grep -qxF '+service_url = "https://km1.example:9444/services/"' <<<"$diff" ||
    fail "check mode's diff does not set 9444: $diff"
same_tree "$scratch/pristine" "$scratch/hosts" || fail "the repair in check mode wrote to the homes"

# --- 3. the repair run ----------------------------------------------------------
play repair "${fleet[@]}" -e portshift_repair=true
[ "$status" -eq 0 ] || fail "the repair run exited $status: $(cat "$scratch/repair.err")"
[ "$(host_result repair "$repair_task" changed gw1.example)" = true ] || fail "the repair run did not change gw1"
for h in km1 gw2; do
    [ "$(host_result repair "$repair_task" changed $h.example)" = false ] || fail "the repair run changed $h"
done
cmp -s "$scratch/gw1-repaired.toml" "$gw1/$toml" ||
    fail "gw1's deployment.toml is not the original with 9444: $(diff "$scratch/gw1-repaired.toml" "$gw1/$toml" || true)"
diff -r --exclude=deployment.toml "$scratch/pristine/gw1" "$scratch/hosts/gw1" >/dev/null ||
    fail "the repair changed other files of gw1"
for h in km1 gw2; do
    same_tree "$scratch/pristine/$h" "$scratch/hosts/$h" || fail "the repair run wrote to $h's home"
done
[ "$(host_result repair "$check_task" rc gw1.example 2)" = 0 ] ||
    fail "fleet check after the repair: $(host_result repair "$check_task" stdout gw1.example 2)"

# --- 4. again: ok -----------------------------------------------------------------
cp -r "$scratch/hosts" "$scratch/repaired"
play again "${fleet[@]}" -e portshift_repair=true
[ "$status" -eq 0 ] || fail "the second run exited $status: $(cat "$scratch/again.err")"
[ "$(host_result again "$check_task" rc gw1.example)" = 0 ] || fail "fleet check on the second run is not clean"
python3 - "$scratch/again.json" <<'PY' || fail "the second run changed something"
import json, sys
stats = json.load(open(sys.argv[1]))["stats"]
assert len(stats) == 3 and all(s["changed"] == 0 and s["failures"] == 0 for s in stats.values()), stats
PY
grep -q WARNING "$scratch/again.err" && fail "the second run warns: $(cat "$scratch/again.err")"
same_tree "$scratch/repaired" "$scratch/hosts" || fail "the second run wrote to the homes"
echo "fleet: facts of three hosts, fleet check's finding, the repair in check mode and for real (9444), a second run ok"
