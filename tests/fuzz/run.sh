#!/usr/bin/env bash
# Builds the parser fuzz target with clang (libFuzzer, AddressSanitizer,
# UndefinedBehaviorSanitizer) and runs it for SECONDS (default 60), seeded
# with the project's own example and fixture files.
# Needs: clang, libclang-rt-14-dev (Debian), libxml2-dev.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
srcs=(base/strbuf.c base/error.c parse/file.c parse/xmldoc.c parse/props.c parse/toml.c parse/toml_value.c sites/refscan.c)
clang -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$top/src" -I"$top/include" $(pkg-config --cflags libxml-2.0) \
  "${srcs[@]/#/$top/src/}" "$top/tests/fuzz/fuzz_parsers.c" \
  $(pkg-config --libs libxml-2.0) -o "$out/fuzz_parsers"
mkdir -p "$out/corpus"
find "$top/examples" "$top/tests/fixtures" -type f -size -64k -exec cp {} "$out/corpus/" \; 2>/dev/null || true
"$out/fuzz_parsers" -max_total_time="$seconds" -max_len=8192 -timeout=10 "$out/corpus"
