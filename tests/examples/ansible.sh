#!/usr/bin/env bash
# The Ansible module (examples/ansible/library/portshift.py) through
# ansible-playbook -c local, on copies of corpus homes (fixture homes when
# the corpus is absent; the script says which):
#  1. -i localhost, with one home: --check --diff reports changed with the
#     diff and writes nothing; a normal run applies exactly what `portshift
#     apply --backup` writes (backup: true); a second run reports ok; a bad home fails with
#     portshift's message.
#  2. the example playbook (site.yml) on a group in the example inventory's
#     shape: three products of one host, shown, then applied.
# usage: ansible.sh SOURCE_DIR PORTSHIFT_BINARY CORPUS_DIR
set -euo pipefail
src=$1 binary=$(realpath "$2") corpus=$3
. "$src/tests/support/testlib.sh"
command -v ansible-playbook >/dev/null || skip "ansible-playbook is not installed (Debian package ansible-core)"

make_scratch
export ANSIBLE_LIBRARY=$src/examples/ansible/library ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
    ANSIBLE_HOME=$scratch/.ansible ANSIBLE_LOCAL_TEMP=$scratch/.ansible/tmp \
    ANSIBLE_REMOTE_TEMP=$scratch/.ansible/remote ANSIBLE_PYTHON_INTERPRETER=auto_silent \
    ANSIBLE_DEPRECATION_WARNINGS=0

if [ -d "$corpus/wso2am-2.6.0" ] && [ -d "$corpus/wso2is-5.10.0" ] && [ -d "$corpus/wso2ei-6.6.0" ]; then
    one=$corpus/wso2am-2.6.0
    three=("$corpus/wso2am-2.6.0" "$corpus/wso2is-5.10.0" "$corpus/wso2ei-6.6.0")
    echo "homes: copies of corpus trees wso2am-2.6.0, wso2is-5.10.0, wso2ei-6.6.0"
else
    one=$src/examples/apim-2.6-home
    three=("$src/tests/fixtures/cli/apim-gw" "$src/tests/fixtures/cli/is-km" "$src/tests/fixtures/cli/ei-mini")
    echo "homes: copies of fixture homes (no corpus at $corpus)"
fi

# copy FROM DIR: a writable copy of home FROM in DIR, under its own name (the
# name can tell the product version); prints the copy's path.
copy() {
    mkdir -p "$2"
    cp -r "$1" "$2/"
    chmod -R u+w "$2/$(basename "$1")"
    echo "$2/$(basename "$1")"
}

# play NAME ARGS...: runs ansible-playbook with the json callback into NAME.json.
play() {
    local name=$1
    shift
    status=0
    ANSIBLE_STDOUT_CALLBACK=json ansible-playbook "$@" >"$scratch/$name.json" 2>"$scratch/$name.err" || status=$?
}

# result NAME TASK KEY: the value of KEY in TASK's result on the one host of
# play NAME (strings as they are, other values as JSON; "" when absent).
result() {
    python3 - "$scratch/$1.json" "$2" "$3" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
tasks = [t for p in doc["plays"] for t in p["tasks"] if t["task"]["name"] == sys.argv[2]]
if len(tasks) != 1:
    sys.exit("%d tasks named %r" % (len(tasks), sys.argv[2]))
hosts = tasks[0]["hosts"]
if len(hosts) != 1:
    sys.exit("task %r ran on %d hosts" % (sys.argv[2], len(hosts)))
value = next(iter(hosts.values()))
for key in sys.argv[3].split("."):
    value = value.get(key, "") if isinstance(value, dict) else ""
print(value if isinstance(value, str) else json.dumps(value))
PY
}

same_tree() { diff -r "$1" "$2" >/dev/null; }

# The module's documentation and the example playbook and inventory parse.
ansible-doc -M "$src/examples/ansible/library" portshift >/dev/null 2>"$scratch/doc.err" ||
    fail "ansible-doc cannot read the module's documentation: $(cat "$scratch/doc.err")"
ansible-playbook --syntax-check -i "$src/examples/ansible/inventory.yml" "$src/examples/ansible/site.yml" \
    >/dev/null 2>"$scratch/syntax.err" || fail "the example playbook does not parse: $(cat "$scratch/syntax.err")"

# --- 1. the module alone, -c local -i localhost, ---------------------------
pristine=$(copy "$one" "$scratch/pristine")
home=$(copy "$one" "$scratch/work")
reference=$(copy "$one" "$scratch/reference")
vars() {
    printf '{"homes": ["%s"], "offset": %s, "binary": "%s", "backup": true}' "$1" "$2" "$binary" >"$scratch/vars.json"
}
task=(-c local -i localhost, "$src/tests/examples/portshift_task.yml" -e "@$scratch/vars.json")
vars "$home" 2

expected=$(cd / && "$binary" diff --offset 2 "$home" || true)
[ -n "$expected" ] || fail "portshift diff --offset 2 shows no change on the home"
play check "${task[@]}" --check --diff
[ "$status" -eq 0 ] || fail "--check --diff exited $status: $(cat "$scratch/check.err")"
same_tree "$pristine" "$home" || fail "--check --diff wrote to the home"
[ "$(result check portshift changed)" = true ] || fail "--check --diff does not report changed"
prepared=$(result check portshift diff.prepared)
[ "$prepared" = "$expected" ] || fail "the diff the module reports is not portshift's diff"
grep -qxF '+        <Offset>2</Offset>' <<<"$prepared" || fail "the diff does not set <Offset> to 2"
same_tree "$pristine" "$home" || fail "--check --diff wrote to the home"
# What a person sees: the default callback prints the diff and 'changed'.
human=$(ansible-playbook "${task[@]}" --check --diff 2>&1) || fail "--check --diff (default output) failed"
grep -qxF '+        <Offset>2</Offset>' <<<"$human" || fail "the default output does not show the diff"
grep -qF 'changed: [localhost]' <<<"$human" || fail "the default output does not say changed"
same_tree "$pristine" "$home" || fail "--check --diff wrote to the home"

play apply "${task[@]}"
[ "$status" -eq 0 ] || fail "the run exited $status: $(cat "$scratch/apply.err")"
[ "$(result apply portshift changed)" = true ] || fail "the run that applies does not report changed"
"$binary" apply --backup --offset 2 "$reference" >/dev/null
same_tree "$reference" "$home" || fail "the module did not write what portshift apply --backup writes"
cmp -s "$pristine/repository/conf/carbon.xml" "$home/repository/conf/carbon.xml.bak" ||
    fail "backup: true kept no original carbon.xml.bak"
same_tree "$pristine" "$home" && fail "the run wrote nothing"

play again "${task[@]}"
[ "$status" -eq 0 ] || fail "the second run exited $status: $(cat "$scratch/again.err")"
[ "$(result again portshift changed)" = false ] || fail "the second run reports changed"
same_tree "$reference" "$home" || fail "the second run wrote to the home"

vars "$scratch/no-such-home" 2
play bad "${task[@]}"
[ "$status" -ne 0 ] || fail "a run on a missing home succeeded"
[ "$(result bad portshift failed)" = true ] || fail "a missing home does not fail the task"
msg=$(result bad portshift msg)
[[ $msg == "portshift: "*"error: "* ]] || fail "the failure is not portshift's message: $msg"
[ "$(result bad portshift rc)" = 2 ] || fail "the failure does not carry exit status 2"

# --- 2. the example playbook on a group: three products of one host --------
homes=() reference_homes=() pristines=()
for i in 0 1 2; do
    pristines+=("$(copy "${three[$i]}" "$scratch/pristine-host")")
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

play site-check "${site[@]}" --check --diff
[ "$status" -eq 0 ] || fail "site.yml --check --diff exited $status: $(cat "$scratch/site-check.err")"
[ "$(result site-check "$task_name" changed)" = true ] || fail "site.yml --check does not report changed"
prepared=$(result site-check "$task_name" diff.prepared)
for i in 0 1 2; do
    h=${homes[$i]%=*}
    grep -qF "+++ b$h/" <<<"$prepared" || fail "site.yml --check --diff shows no change of $h"
    same_tree "${pristines[$i]}" "$h" || fail "site.yml --check wrote to $h"
done

play site "${site[@]}"
[ "$status" -eq 0 ] || fail "site.yml exited $status: $(cat "$scratch/site.err")"
[ "$(result site "$task_name" changed)" = true ] || fail "site.yml does not report changed"
"$binary" apply "${reference_homes[@]}" >/dev/null
for i in 0 1 2; do
    h=${homes[$i]%=*}
    same_tree "${reference_homes[$i]%=*}" "$h" || fail "site.yml did not write to $h what portshift apply writes"
    same_tree "${pristines[$i]}" "$h" && fail "site.yml left $h as it was"
done
play site-again "${site[@]}"
[ "$status" -eq 0 ] || fail "site.yml run again exited $status: $(cat "$scratch/site-again.err")"
[ "$(result site-again "$task_name" changed)" = false ] || fail "site.yml run again reports changed"
echo "ansible: check mode, diff mode, apply, idempotence and failure shown"
