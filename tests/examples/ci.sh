#!/usr/bin/env bash
# The CI example (examples/ci): the shell step runs check and diff; it exits 1
# on clashes, stale references or pending changes, each with its own message,
# 0 on homes at their offsets with no findings, 2 on an error, and writes no
# config file. Its markdown report (headline, findings table, the diff in a
# collapsed block) goes to $GITHUB_STEP_SUMMARY, else $SUMMARY_FILE, and with
# PR_NUMBER to one pull-request comment through gh (a fake one on the PATH):
# made once, updated after. The GitHub workflow is valid YAML and runs it.
# usage: ci.sh SOURCE_DIR PORTSHIFT_BINARY CORPUS_DIR
set -euo pipefail
src=$(realpath "$1") binary=$(realpath "$2") corpus=$3
. "$src/tests/support/testlib.sh"
step=$src/examples/ci/portshift-check.sh
for tool in awk sed grep python3; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[ -d "$corpus/wso2am-2.6.0" ] && [ -d "$corpus/wso2is-5.10.0" ] && [ -d "$corpus/wso2ei-6.6.0" ] ||
    skip "no corpus trees wso2am-2.6.0, wso2is-5.10.0, wso2ei-6.6.0 at $corpus"

make_scratch
mkdir "$scratch/repo" "$scratch/pristine"
cp -r "$src/examples/apim-2.6-home" "$scratch/repo/apim"
cp -r "$src/examples/apim-2.6-home" "$scratch/pristine/apim"
cd "$scratch/repo"
export PORTSHIFT=$binary SUMMARY_FILE=$scratch/summary.md
unset GITHUB_STEP_SUMMARY PR_NUMBER

# has FILE TEXT WHAT: FILE holds the line TEXT.
has() { grep -qxF -- "$2" "$1" || fail "$3: no line '$2' in $(cat "$1")"; }

# --- a home off its offset: pending changes, the diff collapsed -------------
capture sh "$step" apim=2
expect_status 1 "the step on a home not at its offset"
diff=$("$binary" diff apim=2 || true)
[ "$out" = "$diff" ] || fail "the step does not print portshift's diff"
grep -qF "portshift: changes pending: run 'portshift apply apim=2' and commit the result" <<<"$err" ||
    fail "the step does not say how to fix it: $err"
diff -r "$scratch/pristine/apim" apim >/dev/null || fail "the step wrote to the home"
has "$SUMMARY_FILE" "## portshift: ❌ changes pending" "the summary's headline"
has "$SUMMARY_FILE" "### portshift check" "the summary's check report"
grep -q '^\*\*[0-9]* finding' "$SUMMARY_FILE" && fail "the summary counts findings on a home with none"
# The diff, whole, in a fenced block inside <details>.
python3 - "$SUMMARY_FILE" "$diff" <<'PY' || fail "the summary does not hold the diff in a collapsed block"
import sys
text, diff = open(sys.argv[1]).read(), sys.argv[2]
start = text.index("<details><summary>")
block = text[start:text.index("</details>", start)]
assert "\n```diff\n" + diff + "\n```\n" in block, block
PY

# $GITHUB_STEP_SUMMARY wins over $SUMMARY_FILE; each run appends.
: >"$SUMMARY_FILE"
capture env GITHUB_STEP_SUMMARY="$scratch/step-summary.md" sh "$step" apim=0
expect_status 0 "the step on a home at its offset"
[ -z "$out" ] || fail "the step printed a diff for a home at its offset"
[ ! -s "$SUMMARY_FILE" ] || fail "the step wrote SUMMARY_FILE although GITHUB_STEP_SUMMARY is set"
has "$scratch/step-summary.md" "## portshift: ✅ every home is at its offset; no clashes, no stale references" \
    "the clean headline"
grep -qF "<details>" "$scratch/step-summary.md" && fail "the summary of a clean home holds a diff"

capture sh "$step" no-such-home=1
expect_status 2 "the step on a missing home"
grep -q '^portshift: .*error: ' <<<"$err" || fail "the step does not pass portshift's error on: $err"

# --- corpus homes, judged in place (the step writes nothing) ---------------
cd "$corpus"
# Two products at offset 0: four real clashes (JMX RMI 9999 and 11111, the
# servlet transports 9763 and 9443), the IS to move to 1.
: >"$SUMMARY_FILE"
capture sh "$step" wso2am-2.6.0=0 wso2is-5.10.0=1
expect_status 1 "the step on two homes whose listeners clash"
grep -qF "portshift: 4 clashes: listeners of these homes open the same port" <<<"$err" ||
    fail "the step does not report the clashes: $err"
grep -qF "portshift: changes pending: run 'portshift apply wso2am-2.6.0=0 wso2is-5.10.0=1'" <<<"$err" ||
    fail "the step does not report the pending change: $err"
has "$SUMMARY_FILE" "## portshift: ❌ 4 clashes, changes pending" "the clashing pair's headline"
has "$SUMMARY_FILE" "| kind | port | where | what | finding |" "the findings table"
for row in 'clash | 9999 | `wso2am-2.6.0/repository/conf/carbon.xml:132:30` | JMX RMI registry' \
    'clash | 11111 | `wso2am-2.6.0/repository/conf/carbon.xml:134:28` | JMX RMI server' \
    'clash | 9763 | `wso2am-2.6.0/repository/conf/tomcat/catalina-server.xml:29:26` | servlet transport' \
    'clash | 9443 | `wso2am-2.6.0/repository/conf/tomcat/catalina-server.xml:54:26` | servlet transport' \
    ' | 9999 | `wso2is-5.10.0/repository/conf/carbon.xml:132` | JMX RMI registry'; do
    grep -qF "| $row" "$SUMMARY_FILE" || fail "no row '| $row' in the findings table"
done
[ "$(grep -c '^| clash |' "$SUMMARY_FILE")" = 4 ] || fail "not one row per clash"
grep -qxF "+offset = 1  # portshift" "$SUMMARY_FILE" || fail "the summary's diff does not give the IS its offset"

# An EI 6.6 whose profiles' redirectPorts still say 9443: stale, nothing else.
capture sh "$step" wso2ei-6.6.0
expect_status 1 "the step on a home with stale references"
grep -qxF "portshift: 2 stale references: run 'portshift apply --repair wso2ei-6.6.0' and commit the result" <<<"$err" ||
    fail "the step does not report the stale references: $err"
grep -qF "clash" <<<"$err" && fail "the step reports a clash on one home: $err"
grep -qF "changes pending" <<<"$err" && fail "the step reports a change pending with no offset asked for: $err"

# The clean pair: copies given their offsets by portshift apply.
mkdir "$scratch/clean"
cp -r "$corpus/wso2am-2.6.0" "$corpus/wso2is-5.10.0" "$scratch/clean/"
cd "$scratch/clean"
"$binary" apply -q wso2am-2.6.0=0 wso2is-5.10.0=1 2>/dev/null
cp -r "$scratch/clean" "$scratch/clean-pristine"
: >"$SUMMARY_FILE"
capture sh "$step" wso2am-2.6.0=0 wso2is-5.10.0=1
expect_status 0 "the step on a pair at their offsets"
[ -z "$out" ] || fail "the step printed a diff for a pair at their offsets"
has "$SUMMARY_FILE" "## portshift: ✅ every home is at its offset; no clashes, no stale references" \
    "the clean pair's headline"
grep -q '^| clash |' "$SUMMARY_FILE" && fail "the clean pair's summary lists a clash"

# --- the pull-request comment, through a fake gh ---------------------------
# It keeps comments as files named by id; comment 1 is somebody else's.
mkdir -p "$scratch/bin" "$scratch/gh/comments"
echo "LGTM" >"$scratch/gh/comments/1"
cat >"$scratch/bin/gh" <<'SH'
#!/usr/bin/env bash
set -eu
echo "$*" >>"$FAKE_GH/calls"
[ "$1" = api ] || exit 3
shift
method=GET path="" field="" jq=""
while [ $# -gt 0 ]; do
    case $1 in
    --method) method=$2; shift 2 ;;
    --paginate) shift ;;
    --jq) jq=$2; shift 2 ;;
    -F) field=$2; shift 2 ;;
    *) path=$1; shift ;;
    esac
done
comments=$FAKE_GH/comments
case $method:$path in
GET:repos/owner/repo/issues/7/comments)
    [[ $jq == '.[] | select(.body | startswith("<!-- portshift-check -->")) | .id' ]] || exit 4
    for id in $(ls "$comments" | sort -n); do
        [ "$(head -n 1 "$comments/$id")" != "<!-- portshift-check -->" ] || echo "$id"
    done ;;
POST:repos/owner/repo/issues/7/comments)
    cp "${field#body=@}" "$comments/$(($(ls "$comments" | wc -l) + 1))" ;;
PATCH:repos/owner/repo/issues/comments/*)
    [ -f "$comments/${path##*/}" ] || exit 5
    cp "${field#body=@}" "$comments/${path##*/}" ;;
*) exit 6 ;;
esac
SH
chmod +x "$scratch/bin/gh"
export FAKE_GH=$scratch/gh PATH=$scratch/bin:$PATH GITHUB_REPOSITORY=owner/repo PR_NUMBER=7
ncomments() { ls "$scratch/gh/comments" | wc -l; }

# A clean run posts nothing when there is no comment yet.
capture sh "$step" wso2am-2.6.0=0 wso2is-5.10.0=1
expect_status 0 "the clean pair with PR_NUMBER"
[ "$(ncomments)" = 1 ] || fail "a clean run started a comment"

cd "$corpus"
: >"$SUMMARY_FILE"
capture sh "$step" wso2am-2.6.0=0 wso2is-5.10.0=1
expect_status 1 "the clashing pair with PR_NUMBER"
[ "$(ncomments)" = 2 ] || fail "the failing run did not post one comment: $(cat "$scratch/gh/calls")"
[ "$(cat "$scratch/gh/comments/2")" = "$(printf '<!-- portshift-check -->\n%s' "$(cat "$SUMMARY_FILE")")" ] ||
    fail "the comment is not the marker and the report"
[ "$(cat "$scratch/gh/comments/1")" = LGTM ] || fail "somebody else's comment was changed"

# The next run updates that comment: still two, the second now clean.
cd "$scratch/clean"
capture sh "$step" wso2am-2.6.0=0 wso2is-5.10.0=1
expect_status 0 "the clean pair after a comment"
[ "$(ncomments)" = 2 ] || fail "the second run posted another comment"
grep -qF "PATCH repos/owner/repo/issues/comments/2" "$scratch/gh/calls" || fail "the comment was not updated"
has "$scratch/gh/comments/2" "## portshift: ✅ every home is at its offset; no clashes, no stale references" \
    "the updated comment"
diff -r "$scratch/clean-pristine" "$scratch/clean" >/dev/null || fail "the step wrote to the clean pair"

# gh failing (a fork's read-only token) warns and keeps the check's status.
printf '#!/bin/sh\nexit 1\n' >"$scratch/bin/gh"
capture sh "$step" wso2am-2.6.0=0 wso2is-5.10.0=1
expect_status 0 "the clean pair when gh fails"
grep -qF "portshift: warning: the pull-request comment was not posted" <<<"$err" || fail "no warning when gh fails: $err"
unset PR_NUMBER

# The workflow: valid YAML, on pull requests touching the step, running it
# with the pull request's number and a token.
workflow=$src/examples/ci/github-actions.yml
if python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$workflow" <<'PY' || fail "the workflow is not what it should be"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
on = doc.get(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
paths = on["pull_request"]["paths"]
assert "ci/portshift-check.sh" in paths and "ci/pr-comment.sh" in paths, paths
assert doc["permissions"]["pull-requests"] == "write"
steps = [s for job in doc["jobs"].values() for s in job["steps"]]
step = [s for s in steps if "ci/portshift-check.sh" in s.get("run", "")]
assert len(step) == 1, "no step runs ci/portshift-check.sh"
env = step[0]["env"]
assert "pull_request.number" in env["PR_NUMBER"] and "GH_TOKEN" in env, env
PY
else
    skip "no Python with PyYAML: the workflow's YAML was not parsed (Debian package python3-yaml)"
fi
echo "ci: clashes, stale references and pending changes fail; the report goes to the summary and one comment"
