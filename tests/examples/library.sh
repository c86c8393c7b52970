#!/usr/bin/env bash
# The library example (examples/library/apply_offset.c), built against
# libportshift.so.0 and <portshift/portshift.h> alone, on a copy of the
# bundled API Manager 2.6 home: it prints the diff `portshift diff` prints,
# writes the bytes `portshift apply` writes (carbon.xml's Offset, a literal
# local URL, Tomcat's redirectPort), exits 0, then finds nothing to do; an
# error exits 1 with the library's message and writes nothing.
# usage: library.sh SOURCE_DIR EXAMPLE_BINARY PORTSHIFT_BINARY
set -euo pipefail
src=$(realpath "$1") example=$(realpath "$2") portshift=$(realpath "$3")
. "$src/tests/support/testlib.sh"
for tool in diff grep cmp; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done

make_scratch
mkdir "$scratch/lib" "$scratch/cli" "$scratch/pristine"
for d in lib cli pristine; do cp -r "$src/examples/apim-2.6-home" "$scratch/$d/apim"; done
conf=repository/conf

# --- the apply -----------------------------------------------------------------
cd "$scratch/lib"
capture "$example" apim 3
expect_status 0 "apply_offset apim 3"
grep -qxF '        <Offset>3</Offset>' "apim/$conf/carbon.xml" ||
    fail "carbon.xml's Offset is not 3: $(grep Offset "apim/$conf/carbon.xml")"
callback=apim/repository/deployment/server/synapse-configs/default/proxy-services/WorkflowCallbackService.xml
grep -qF 'uri="https://localhost:9446/store/site/blocks/workflow/' "$callback" ||
    fail "the workflow callback URL does not follow the offset to 9446"
grep -qF 'redirectPort="9446"' "apim/$conf/tomcat/catalina-server.xml" ||
    fail "catalina-server.xml's redirectPort does not follow the offset to 9446"
grep -qxF "updated apim/$conf/carbon.xml" <<<"$out" || fail "no 'updated' line for carbon.xml: $out"
# carbon.xml's Offset, jndi.properties' two broker URLs, redirectPort, the workflow callback.
grep -qxF "4 file(s), 5 edit(s) in 1 home(s)" <<<"$out" || fail "the counts are not 4/5/1: $out"

# --- the same diff and the same bytes as the command line -------------------------
cd "$scratch/cli"
want_diff=$("$portshift" diff -o 3 apim 2>/dev/null || true)
[ -n "$want_diff" ] || fail "portshift diff printed nothing"
got_diff=$(sed -n '/^updated /q;p' <<<"$out")
[ "$got_diff" = "$want_diff" ] || fail "the example's diff differs from portshift's: $(diff <(echo "$want_diff") <(echo "$got_diff") | head -5)"
summary=$("$portshift" apply -o 3 apim 2>&1 >/dev/null)
[ "$summary" = "portshift: applied: 1 home, 4 files, 5 edits" ] || fail "portshift apply says: $summary"
diff -r "$scratch/cli/apim" "$scratch/lib/apim" >/dev/null ||
    fail "the example wrote other bytes than portshift apply: $(diff -r "$scratch/cli/apim" "$scratch/lib/apim" | head -5)"
diff -r "$scratch/pristine/apim" "$scratch/lib/apim" >/dev/null &&
    fail "the example changed nothing"

# --- again: nothing to change -------------------------------------------------------
cd "$scratch/lib"
capture "$example" apim 3
expect_status 0 "apply_offset apim 3, a second time"
[ "$out" = "0 file(s), 0 edit(s) in 1 home(s)" ] || fail "a second apply is not empty: $out"
diff -r "$scratch/cli/apim" "$scratch/lib/apim" >/dev/null || fail "a second apply changed a file"

# --- an error: exit 1, the library's message, nothing written ----------------------
capture "$example" apim 70000
expect_status 1 "apply_offset apim 70000"
grep -qF "apply_offset: " <<<"$err" && grep -qF "error: " <<<"$err" || fail "no error line: $err"
[ -z "$out" ] || fail "an error printed on stdout: $out"
diff -r "$scratch/cli/apim" "$scratch/lib/apim" >/dev/null || fail "a failed call wrote"
capture "$example" nosuch 3
expect_status 1 "apply_offset on no home"
capture "$example" apim
expect_status 2 "apply_offset without an offset"
echo "example.library: the example wrote portshift apply's bytes and printed its diff"
