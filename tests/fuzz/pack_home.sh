#!/usr/bin/env bash
# Packs a home folder into one fuzz_pipeline input on stdout: the target
# offset byte, the flags byte, the folder's name, then every file under it as
# "path\nbytes", parts separated by "\n--8<--\n" (see fuzz_pipeline.c).
#   tests/fuzz/pack_home.sh HOME [OFFSET [FLAGS]] > input
# FLAGS: 1 the offset is the home's target, 3 the target of its second runtime.
set -euo pipefail
home=${1:?usage: pack_home.sh HOME [OFFSET [FLAGS]]}
offset=${2:-3}
flags=${3:-1}
printf "\\$(printf %03o "$offset")\\$(printf %03o "$flags")%s" "$(basename "$home")"
(cd "$home" && find . -type f ! -name '*.md' | LC_ALL=C sort) | while IFS= read -r f; do
  printf '\n--8<--\n%s\n' "${f#./}"
  cat "$home/$f"
done
