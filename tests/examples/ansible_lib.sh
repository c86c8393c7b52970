# Shell helpers of the tests that run the Ansible collection portshift.wso2
# through ansible-playbook (ansible.sh, fleet.sh). Source it after
# tests/support/testlib.sh; $src is the source tree.

# Skips (exit 77) without the Ansible tools.
ansible_tools() {
    local tool
    for tool in ansible-playbook ansible-galaxy ansible-doc python3; do
        command -v "$tool" >/dev/null || skip "$tool is not installed (Debian package ansible-core)"
    done
}

# Makes the scratch folder and an Ansible of its own there, then builds the
# collection and installs it as users get it (ansible-galaxy build, install).
ansible_collection() {
    make_scratch
    export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
        ANSIBLE_HOME=$scratch/.ansible ANSIBLE_LOCAL_TEMP=$scratch/.ansible/tmp \
        ANSIBLE_REMOTE_TEMP=$scratch/.ansible/remote ANSIBLE_PYTHON_INTERPRETER=auto_silent \
        ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_COLLECTIONS_PATH=$scratch/collections ANSIBLE_PIPELINING=1
    ansible-galaxy collection build "$src/ansible" --output-path "$scratch/dist" >"$scratch/build.log" 2>&1 ||
        fail "ansible-galaxy collection build failed: $(cat "$scratch/build.log")"
    ansible-galaxy collection install -p "$scratch/collections" "$scratch"/dist/portshift-wso2-*.tar.gz \
        >"$scratch/install.log" 2>&1 || fail "ansible-galaxy collection install failed: $(cat "$scratch/install.log")"
}

# copy FROM DIR: a writable copy of home FROM in DIR, under its own name (the
# name can tell the product version); prints the copy's path.
copy() {
    mkdir -p "$2"
    cp -r "$1" "$2/"
    chmod -R u+w "$2/$(basename "$1")"
    echo "$2/$(basename "$1")"
}

# play NAME ARGS...: runs ansible-playbook with the json callback into
# NAME.json (its stderr in NAME.err), its exit status in $status.
play() {
    local name=$1
    shift
    status=0
    ANSIBLE_STDOUT_CALLBACK=json ansible-playbook "$@" >"$scratch/$name.json" 2>"$scratch/$name.err" || status=$?
}

# host_result NAME TASK KEY HOST [N]: the value of KEY (dotted) in the result
# of the Nth task named TASK (1 by default; fails unless there are N) of play
# NAME on HOST; HOST "": the one task of that name on the one host it ran on
# (fails unless there is one of each).
# Strings as they are, other values as JSON; "" when absent.
host_result() {
    python3 - "$scratch/$1.json" "$2" "$3" "$4" "${5:-1}" <<'PY'
import json, sys
path, name, key, host, nth = sys.argv[1:]
doc = json.load(open(path))
tasks = [t for p in doc["plays"] for t in p["tasks"] if t["task"]["name"] == name]
if len(tasks) < int(nth) or (host == "" and len(tasks) != 1):
    sys.exit("%d tasks named %r" % (len(tasks), name))
hosts = tasks[int(nth) - 1]["hosts"]
if host == "":
    if len(hosts) != 1:
        sys.exit("task %r ran on %d hosts" % (name, len(hosts)))
    value = next(iter(hosts.values()))
else:
    value = hosts.get(host, {})
for part in key.split("."):
    value = value.get(part, "") if isinstance(value, dict) else ""
print(value if isinstance(value, str) else json.dumps(value))
PY
}

# result NAME TASK KEY: the value of KEY in TASK's result on the one host of
# play NAME (TASK must be the only task of that name).
result() { host_result "$1" "$2" "$3" ""; }

same_tree() { diff -r "$1" "$2" >/dev/null; }
