#!/usr/bin/env bash
# The command line is a client of the library: src/cli/ (its .c files and
# the headers they include) includes only <portshift/...> and its own
# "cli/..." headers, never a header of another src/ folder. And src/api/,
# the public calls, sits right below it: no layer under it includes it.
#
# usage: cli_includes.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: cli_includes.sh SOURCE_DIR}/src
[ -d "$src/cli" ] || { echo "no $src/cli"; exit 1; }
bad=0
# Every quoted include of src/cli/: only cli/ headers (they are then read too, being in src/cli/).
while IFS= read -r hit; do
    echo "src/cli reaches around the library: $hit"
    bad=1
done < <(grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src"/cli/*.c "$src"/cli/*.h |
         grep -vE '#[[:space:]]*include[[:space:]]*"cli/[^"/]+\.h"' | sed "s|^$src/|src/|")
# An angle-bracket include of a project header other than the public ones.
while IFS= read -r hit; do
    echo "src/cli includes a private header: $hit"
    bad=1
done < <(grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(base|parse|catalog|detect|load|sites|model|plan|check|batch|render|write|report|host|api)/' \
         "$src"/cli/*.c "$src"/cli/*.h | sed "s|^$src/|src/|")
# No layer below src/api includes it.
while IFS= read -r hit; do
    echo "a layer below src/api includes it: $hit"
    bad=1
done < <(grep -rHnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"api/' "$src" --include='*.c' --include='*.h' |
         grep -vE "^$src/(api|cli)/" | sed "s|^$src/|src/|")
n=$(ls "$src"/cli/*.c "$src"/cli/*.h | wc -l)
[ "$bad" -eq 0 ] && echo "layers: the $n files of src/cli include only <portshift/...> and cli/ headers"
exit "$bad"
