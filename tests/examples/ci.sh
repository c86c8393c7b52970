#!/usr/bin/env bash
# The CI example (examples/ci): the shell step exits 1 with the diff when a
# home is not at its offset, 0 when it is, 2 on an error, writes no config
# file, and appends the plan to SUMMARY_FILE; the GitHub workflow is valid
# YAML and runs that step on pull requests with the job summary file.
# usage: ci.sh SOURCE_DIR PORTSHIFT_BINARY
set -euo pipefail
src=$(realpath "$1") binary=$(realpath "$2")
. "$src/tests/support/testlib.sh"
step=$src/examples/ci/portshift-check.sh

make_scratch
mkdir "$scratch/repo" "$scratch/pristine"
cp -r "$src/examples/apim-2.6-home" "$scratch/repo/apim"
cp -r "$src/examples/apim-2.6-home" "$scratch/pristine/apim"
cd "$scratch/repo"
export PORTSHIFT=$binary SUMMARY_FILE=$scratch/summary.md

capture sh "$step" apim=2
expect_status 1 "the step on a home not at its offset"
[ "$out" = "$("$binary" diff apim=2 || true)" ] || fail "the step does not print portshift's diff"
grep -qF "portshift apply apim=2" <<<"$err" || fail "the step does not say how to fix it: $err"
diff -r "$scratch/pristine/apim" apim >/dev/null || fail "the step wrote to the home"
plan=$("$binary" plan apim=2)
expected=$(printf '### portshift plan\n\n```\n%s\n```' "$plan")
[ "$(cat "$SUMMARY_FILE")" = "$expected" ] || fail "the summary is not the plan in a code block"

capture sh "$step" apim=0
expect_status 0 "the step on a home at its offset"
[ -z "$out" ] || fail "the step printed a diff for a home at its offset"

capture sh "$step" no-such-home=1
expect_status 2 "the step on a missing home"
grep -q '^portshift: .*error: ' <<<"$err" || fail "the step does not pass portshift's error on: $err"

# The workflow: valid YAML, on pull requests, running the step with the summary file.
workflow=$src/examples/ci/github-actions.yml
python=""
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import yaml' 2>/dev/null; then python=$p; break; fi
done
if [ -n "$python" ]; then
    "$python" - "$workflow" <<'PY' || fail "the workflow is not what it should be"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
on = doc.get(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
assert "pull_request" in on, "not run on pull requests"
runs = [s.get("run", "") for job in doc["jobs"].values() for s in job["steps"]]
assert any("portshift-check.sh" in r and 'SUMMARY_FILE="$GITHUB_STEP_SUMMARY"' in r for r in runs), \
    "no step runs portshift-check.sh with the job summary"
PY
else
    echo "note: no Python with PyYAML: the workflow's YAML was not parsed"
fi
echo "ci: the step fails on pending changes, passes on none, posts the plan"
