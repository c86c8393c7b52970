#!/usr/bin/env bash
# The library never aborts, exits or prints: out of memory and every other
# failure reach the caller as an error return, diagnostics as the error and
# warning objects. So no file of src/ outside src/cli/ (the program, the one
# client that owns standard output and error) names abort, exit, the standard
# streams or a call that writes to them. Comments are stripped first (by the
# compiler's preprocessor, without expanding anything), so a comment that
# says why a function does not abort is not a hit, and neither is a
# printf-like function's format attribute.
#
# usage: library_quiet.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: library_quiet.sh SOURCE_DIR}/src
cc=${CC:-cc}
[ -d "$src" ] || { echo "no $src"; exit 1; }
words='abort|exit|_exit|_Exit|quick_exit|stdout|stderr|perror|printf|puts|putchar|vprintf'
bad=0 n=0
while IFS= read -r -d '' f; do
    n=$((n + 1))
    code=$("$cc" -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null) || { echo "cannot read $f"; bad=1; continue; }
    while IFS= read -r hit; do
        # The stripped text has lost the file's line numbers: find the line again.
        trimmed=$(sed -E 's/^[[:space:]]+//' <<<"$hit")
        line=$(grep -nF -- "$trimmed" "$f" | head -n 1 | cut -d: -f1)
        echo "the library prints or stops: src/${f#"$src"/}:${line:-?}: $trimmed"
        bad=1
    done < <(sed -E 's/format\((__)?printf(__)?,/format(FORMAT,/g' <<<"$code" | grep -wE "($words)")
done < <(find "$src" -path "$src/cli" -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print0)
[ "$n" -gt 0 ] || { echo "no source files under $src"; exit 1; }
[ "$bad" -eq 0 ] && echo "library: none of the $n files outside src/cli aborts, exits or prints"
exit "$bad"
