#!/usr/bin/env bash
# The Ansible collection portshift.wso2 (ansible/), built with
# `ansible-galaxy collection build`, installed into a scratch collections
# path, and run through ansible-playbook -c local on copies of corpus homes:
#  1. -i localhost, the module portshift on an API Manager 2.6 and an
#     Identity Server 5.10: --check --diff reports changed with portshift's
#     diff and writes nothing; a real run writes what `portshift apply
#     --backup` writes and returns the changed files, backups and offsets; a
#     second run is ok with no warning; bad arguments (offset 70000 or -1, a
#     missing home) fail with one line.
#  2. portshift_batch on two clashing homes: check mode writes nothing, then
#     it writes what `portshift batch --apply` writes, with the assignments.
#  3. the example playbook (site.yml, the FQCN) on three products of one host
#     (check mode and diff are those of 1: one run here).
#  4. portshift_facts: the document `portshift facts` prints, in check mode
#     too, ok and nothing written; a missing home or one given with =N fails
#     with one line. (tests/examples/fleet.sh runs the fleet playbook.)
# usage: ansible.sh SOURCE_DIR PORTSHIFT_BINARY CORPUS_DIR
set -euo pipefail
src=$(realpath "$1") binary=$(realpath "$2") corpus=$3
. "$src/tests/support/testlib.sh"
. "$src/tests/examples/ansible_lib.sh"
ansible_tools
for h in wso2am-2.6.0 wso2is-5.10.0 wso2ei-6.6.0; do
    [ -d "$corpus/$h" ] || skip "no corpus tree $h at $corpus"
done

# The collection as users get it: built, then installed.
ansible_collection
ansible-doc --json portshift.wso2.portshift portshift.wso2.portshift_batch portshift.wso2.portshift_facts >"$scratch/doc.json" 2>"$scratch/doc.err" ||
    fail "ansible-doc cannot read the modules' documentation: $(cat "$scratch/doc.err")"
python3 - "$scratch/doc.json" <<'PY' || fail "the modules' documentation is not complete"
import json, sys
docs = json.load(open(sys.argv[1]))
for name in ("portshift.wso2.portshift", "portshift.wso2.portshift_batch", "portshift.wso2.portshift_facts"):
    doc = docs[name]["doc"]
    for key in ("author", "version_added", "attributes", "short_description", "options"):
        assert doc.get(key), "%s: no %s" % (name, key)
    assert doc["attributes"]["check_mode"]["support"] == "full", name
    assert docs[name]["return"], "%s: no RETURN" % name
PY

# --- 1. the module portshift, -c local -i localhost, -----------------------
am=$corpus/wso2am-2.6.0 is=$corpus/wso2is-5.10.0
for d in pristine homes reference; do
    copy "$am" "$scratch/$d" >/dev/null
    copy "$is" "$scratch/$d" >/dev/null
done
home_am=$scratch/homes/wso2am-2.6.0 home_is=$scratch/homes/wso2is-5.10.0
# The IS from 0 to 1: its deployment.toml gets the offset, the carbon.xml it
# renders stays at 0 until the next start (which portshift notices).
printf '{"homes": ["%s", "%s=1"], "offset": 2, "binary": "%s", "backup": true, "missing": "%s"}' \
    "$home_am" "$home_is" "$binary" "$scratch/no-such-home" >"$scratch/vars.json"
task=(-c local -i localhost, "$src/tests/examples/portshift_task.yml" -e "@$scratch/vars.json")

expected=$(cd / && "$binary" diff --offset 2 "$home_am" "$home_is=1" 2>/dev/null || true)
[ -n "$expected" ] || fail "portshift diff shows no change on the homes"
play check "${task[@]}" --check --diff
[ "$status" -eq 0 ] || fail "--check --diff exited $status: $(cat "$scratch/check.err")"
same_tree "$scratch/pristine" "$scratch/homes" || fail "--check --diff wrote to the homes"
[ "$(result check portshift changed)" = true ] || fail "--check --diff does not report changed"
prepared=$(result check portshift diff.prepared)
[ "$prepared" = "$expected" ] || fail "the diff the module reports is not portshift's diff"
grep -qxF '+        <Offset>2</Offset>' <<<"$prepared" || fail "the diff does not set <Offset> to 2"
grep -qxF '+offset = 1  # portshift' <<<"$prepared" || fail "the diff does not set the IS's offset to 1"

play apply "${task[@]}"
[ "$status" -eq 0 ] || fail "the run exited $status: $(cat "$scratch/apply.err")"
[ "$(result apply portshift changed)" = true ] || fail "the run that applies does not report changed"
(cd / && "$binary" apply -q --backup --offset 2 "$scratch/reference/wso2am-2.6.0" "$scratch/reference/wso2is-5.10.0=1" 2>/dev/null)
same_tree "$scratch/reference" "$scratch/homes" || fail "the module did not write what portshift apply --backup writes"
cmp -s "$scratch/pristine/wso2am-2.6.0/repository/conf/carbon.xml" "$home_am/repository/conf/carbon.xml.bak" ||
    fail "backup: true kept no original carbon.xml.bak"
# The structured result: the files that changed (those that differ from the
# originals), a backup for each, every runtime's offset before and after.
changed=$(cd "$scratch/homes" && { diff -rq --exclude="*.bak" . ../pristine || true; } | sed -E 's|^Files \./(.*) and .*|'"$scratch/homes"'/\1|' | sort)
[ -n "$changed" ] || fail "the run wrote nothing"
[ "$(result apply portshift changed_files | python3 -c 'import json,sys; print("\n".join(sorted(json.load(sys.stdin))))')" = "$changed" ] ||
    fail "changed_files is not the files that changed: $(result apply portshift changed_files)"
result apply portshift backups | python3 -c '
import json, os, sys
backups = json.load(sys.stdin)
assert backups and all(b.endswith(".bak") and os.path.isfile(b) for b in backups), backups' ||
    fail "backups does not name the .bak files: $(result apply portshift backups)"
result apply portshift offsets | python3 -c '
import json, sys
am, is_ = sys.argv[1:]
want = [dict(home=am, runtime="", product="apim", version="2.6.0", before=0, after=2),
        dict(home=is_, runtime="", product="is", version="5.10.0", before=0, after=1)]
assert json.load(sys.stdin) == want' "$home_am" "$home_is" ||
    fail "offsets is not each home's offset before and after: $(result apply portshift offsets)"

# Again: ok, no warning (the rendered carbon.xml still at 0 is no news), and
# the arguments it refuses, each failing with one line.
play again "${task[@]}" -e bad=true
[ "$status" -eq 0 ] || fail "the second run exited $status: $(cat "$scratch/again.err")"
[ "$(result again portshift changed)" = false ] || fail "the second run reports changed"
[ "$(result again portshift warnings)" = "" ] || fail "the second run warns: $(result again portshift warnings)"
grep -q WARNING "$scratch/again.err" && fail "the second run warns: $(cat "$scratch/again.err")"
[ "$(result again portshift messages)" != "[]" ] || fail "the second run lost portshift's notice"
same_tree "$scratch/reference" "$scratch/homes" || fail "the second run wrote to the homes"
check_failure() {
    [ "$(result again "$1" failed)" = true ] || fail "$1 does not fail the task"
    local msg
    msg=$(result again "$1" msg)
    [ "$msg" = "$2" ] || fail "$1 fails with '$msg', not '$2'"
}
check_failure "offset 70000" "offset 70000 is out of range: offsets are 0 to 65535"
check_failure "offset -1" "offset -1 is out of range: offsets are 0 to 65535"
check_failure "home offset 70000" "the offset of $home_am: 70000 is out of range: offsets are 0 to 65535"
check_failure "missing home" "$(cd / && "$binary" plan -o 1 "$scratch/no-such-home" 2>&1 | head -n 1)"
[ "$(result again "missing home" rc)" = 2 ] || fail "a missing home does not carry portshift's exit status 2"
same_tree "$scratch/reference" "$scratch/homes" || fail "a refused argument wrote to the homes"

# --- 2. portshift_batch: two homes at offset 0, clashing --------------------
mkdir "$scratch/batch" "$scratch/batch-reference"
batch=("$(copy "$am" "$scratch/batch")" "$(copy "$is" "$scratch/batch")")
copy "$am" "$scratch/batch-reference" >/dev/null
copy "$is" "$scratch/batch-reference" >/dev/null
printf '{"batch_homes": ["%s", "%s"], "binary": "%s"}' "${batch[@]}" "$binary" >"$scratch/batch-vars.json"
play batch -c local -i localhost, "$src/tests/examples/portshift_task.yml" -e "@$scratch/batch-vars.json"
[ "$status" -eq 0 ] || fail "the batch playbook exited $status: $(cat "$scratch/batch.err")"
[ "$(result batch "batch check mode" changed)" = true ] || fail "portshift_batch in check mode does not report changed"
[ "$(result batch "batch check mode" applied)" = false ] || fail "portshift_batch in check mode says it applied"
[ "$(result batch "batch stat" stat.checksum)" = "$(sha1sum <"$is/repository/conf/deployment.toml" | cut -d' ' -f1)" ] ||
    fail "portshift_batch in check mode wrote the IS's deployment.toml"
[ "$(result batch batch changed)" = true ] || fail "portshift_batch does not report changed"
[ "$(result batch batch applied)" = true ] || fail "portshift_batch does not say it applied"
offsets=$(result batch batch assignments | python3 -c 'import json,sys; print(" ".join("%s=%d" % (a["home"].rsplit("/", 1)[1], a["offset"]) for a in json.load(sys.stdin)))')
[ "$offsets" = "wso2am-2.6.0=0 wso2is-5.10.0=1" ] || fail "portshift_batch's assignments: $offsets"
(cd "$scratch/batch-reference" && "$binary" batch --apply wso2am-2.6.0 wso2is-5.10.0 >/dev/null 2>&1)
same_tree "$scratch/batch-reference" "$scratch/batch" || fail "portshift_batch did not write what portshift batch --apply writes"

# --- 3. the example playbook on a group: three products of one host --------
homes=() reference_homes=()
three=("$am" "$is" "$corpus/wso2ei-6.6.0")
for i in 0 1 2; do
    copy "${three[$i]}" "$scratch/pristine-host" >/dev/null
    homes+=("$(copy "${three[$i]}" "$scratch/host")=$((i + 1))")
    reference_homes+=("$(copy "${three[$i]}" "$scratch/reference-host")=$((i + 1))")
done
{
    echo "wso2:"
    echo "  hosts:"
    echo "    localhost:"
    echo "      ansible_connection: local"
    echo "  vars:"
    echo "    portshift_binary: $binary"
    echo "    portshift_backup: false"
    echo "    portshift_homes:"
    for h in "${homes[@]}"; do echo "      - $h"; done
} >"$scratch/inventory.yml"
site=(-i "$scratch/inventory.yml" "$src/examples/ansible/site.yml")
task_name="Set the offsets of this host's products"

play site "${site[@]}"
[ "$status" -eq 0 ] || fail "site.yml exited $status: $(cat "$scratch/site.err")"
[ "$(result site "$task_name" changed)" = true ] || fail "site.yml does not report changed"
(cd / && "$binary" apply -q "${reference_homes[@]}" 2>/dev/null)
same_tree "$scratch/reference-host" "$scratch/host" || fail "site.yml did not write what portshift apply writes"
same_tree "$scratch/pristine-host" "$scratch/host" && fail "site.yml left the homes as they were"
# --- 4. portshift_facts on two homes, with the inventory's names -----------
mkdir "$scratch/facts"
facts_homes=("$(copy "$am" "$scratch/facts")" "$(copy "$is" "$scratch/facts")")
copy "$am" "$scratch/facts-pristine" >/dev/null
copy "$is" "$scratch/facts-pristine" >/dev/null
printf '{"facts_homes": ["%s", "%s"], "host_names": ["km1.example", "km"], "binary": "%s", "missing": "%s"}' \
    "${facts_homes[@]}" "$binary" "$scratch/no-such-home" >"$scratch/facts-vars.json"
play facts -c local -i localhost, "$src/tests/examples/portshift_task.yml" -e "@$scratch/facts-vars.json"
[ "$status" -eq 0 ] || fail "the facts playbook exited $status: $(cat "$scratch/facts.err")"
(cd / && "$binary" facts --host-name km1.example --host-name km "${facts_homes[@]}") >"$scratch/facts-expected.json" ||
    fail "portshift facts failed on the homes"
for task in facts "facts check mode"; do
    [ "$(result facts "$task" changed)" = false ] || fail "$task reports changed"
    result facts "$task" facts | python3 -c '
import json, sys
got, want = json.load(sys.stdin), json.load(open(sys.argv[1]))
assert got == want, "not the document portshift facts prints"
assert [n["name"] for n in got["host"]["names"] if n["from"] == "alias"] == ["km1.example", "km"], "aliases"' \
        "$scratch/facts-expected.json" || fail "$task does not return portshift facts' document"
done
[ "$(result facts "facts missing home" failed)" = true ] || fail "a missing home does not fail portshift_facts"
[ "$(result facts "facts missing home" msg)" = "$(cd / && "$binary" facts "$scratch/no-such-home" 2>&1 | head -n 1)" ] ||
    fail "portshift_facts on a missing home fails with '$(result facts "facts missing home" msg)'"
[ "$(result facts "facts missing home" rc)" = 2 ] || fail "a missing home does not carry portshift's exit status 2"
[ "$(result facts "facts home offset" msg)" = "${facts_homes[0]}=1: facts are of the homes as they are; name the home without =N" ] ||
    fail "portshift_facts on HOME=1 fails with '$(result facts "facts home offset" msg)'"
same_tree "$scratch/facts-pristine" "$scratch/facts" || fail "portshift_facts wrote to the homes"

echo "ansible: the collection built and installed; check mode, diff, apply, structured results, idempotence without warnings, one-line failures, batch, the example playbook, facts"
