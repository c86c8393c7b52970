#!/usr/bin/env bash
# The manual page: groff renders it without a warning, it names every command
# and option of the binary's synopsis, and nothing it marks "Planned" is in
# the binary (the mark goes when the feature lands).
# usage: man.sh SOURCE_DIR PORTSHIFT_BINARY
set -euo pipefail
src=$(realpath "$1") binary=$(realpath "$2")
. "$src/tests/support/testlib.sh"
page=$src/doc/portshift.1
command -v groff >/dev/null || skip "groff is not installed (Debian package groff-base)"

warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on $page: $warnings"
[ -z "$warnings" ] || fail "groff warns on $page: $warnings"

# Plain text, one paragraph per line as far as the line length allows.
text=$(groff -man -Tascii -P-cbou -rLL=400n -rHY=0 "$page" 2>/dev/null)
words=$(usage_words "$binary")
while read -r cmd opt; do
    grep -qE "portshift $cmd( |$)" <<<"$text" || fail "the man page has no synopsis of '$cmd'"
    if [ -n "$opt" ]; then
        grep -qE -- "$opt([^a-z-]|$)" <<<"$text" || fail "the man page does not describe '$opt'"
    fi
done <<<"$words"

# The commands and options of each .TP paragraph that says "Planned:".
planned=$(awk '
    function flush() { if (tag != "" && body ~ /Planned:/) print tag; tag = ""; body = "" }
    /^\.(TP|SH|SS|PP)/ { flush(); want_tag = ($1 == ".TP"); next }
    want_tag { tag = $0; want_tag = 0; next }
    { body = body " " $0 }
    END { flush() }' "$page" | sed 's/\\-/-/g' |
    { grep -oE -- '(^\.B[RI]* +[a-z]+)|--[a-z][a-z-]*|^\.BI -o' || true; } |
    sed -E 's/^\.B[RI]* +//' | sort -u)
[ -n "$planned" ] || echo "note: nothing in the man page is marked Planned"
for w in $planned; do
    case $w in
    --version) "$binary" --version >/dev/null 2>&1 && fail "'--version' works now: drop its Planned mark" ;;
    -*) grep -qE " $w\$" <<<"$words" && fail "'$w' is in the synopsis now: drop its Planned mark" ;;
    *) grep -qx "$w" <<<"$words" && fail "command '$w' is in the synopsis now: drop its Planned mark"
       "$binary" "$w" --help >/dev/null 2>&1 && fail "'$w --help' works now: drop its Planned mark" ;;
    esac
done
echo "man page: renders cleanly, names every command and option; planned: $(echo $planned)"
