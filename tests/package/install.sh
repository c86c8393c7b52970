#!/usr/bin/env bash
# `cmake --install` to a scratch prefix yields what a package holds, and a C
# program built with `pkg-config --cflags --libs portshift` runs against the
# installed libportshift.so.0 on a corpus home (tests/package/consumer.c).
# Without the corpus it runs on the bundled example home and reports skipped.
# usage: install.sh BUILD_DIR SOURCE_DIR CORPUS_DIR LIBDIR VERSION
# CONSUMER_CFLAGS: extra flags for the program (the sanitizers of the build).
set -euo pipefail
build=$1 src=$2 corpus=$3 libdir=$4 version=$5
. "$src/tests/support/testlib.sh"

home=$corpus/wso2am-2.6.0
corpus_missing=""
if [ ! -d "$home" ]; then
    corpus_missing=1
    home=$src/examples/apim-2.6-home
fi

make_scratch
prefix=$scratch/prefix
cmake --install "$build" --prefix "$prefix" >"$scratch/install.log" ||
    fail "cmake --install failed: $(cat "$scratch/install.log")"

# Every installed file is one of these (something reads each of them).
lib=$libdir/libportshift.so
expected="bin/portshift
include/portshift/cli.h
include/portshift/portshift.h
$lib
$lib.0
$lib.$version
$libdir/pkgconfig/portshift.pc
share/bash-completion/completions/portshift
share/zsh/site-functions/_portshift
share/fish/vendor_completions.d/portshift.fish
share/doc/portshift/LICENSE
share/doc/portshift/README.md
share/doc/portshift/copyright
share/doc/portshift/changelog.gz
share/doc/portshift/examples/*
share/doc/portshift/ansible/*
share/man/man1/portshift.1.gz
share/portshift/schemas/*.schema.json"
installed=$(cd "$prefix" && find . ! -type d | sed 's|^\./||' | sort)
while read -r f; do
    found=""
    while read -r pattern; do
        # shellcheck disable=SC2053 # the pattern is a glob on purpose
        [[ $f == $pattern ]] && found=1
    done <<<"$expected"
    [ -n "$found" ] || fail "installed a file nothing reads: $f"
done <<<"$installed"
while read -r pattern; do
    compgen -G "$prefix/$pattern" >/dev/null || fail "not installed: $pattern"
done <<<"$expected"
grep -q 'plan.schema.json' <<<"$installed" || fail "the plan schema is not installed"
[ -x "$prefix/bin/portshift" ] || fail "bin/portshift is not executable"
[ -L "$prefix/$lib.0" ] && [ -L "$prefix/$lib" ] || fail "$lib and $lib.0 are not symlinks"
cmp -s "$prefix/share/doc/portshift/LICENSE" "$src/LICENSE" || fail "LICENSE differs"
# The examples the manual page points at, and the collection's source, as
# they are in the tree (less Python's and Ansible's leftovers and a built
# collection archive).
docs=$prefix/share/doc/portshift
for d in examples ansible; do
    diff -r -x __pycache__ -x '*.pyc' -x '*.retry' -x '*.tar.gz' "$src/$d" "$docs/$d" >/dev/null ||
        fail "share/doc/portshift/$d differs from $d/"
done
[ -x "$docs/examples/ci/portshift-check.sh" ] || fail "the CI example lost its execute bit"
gzip -t "$prefix/share/man/man1/portshift.1.gz" || fail "the manual page is not gzip"
cmp -s <(gzip -dc "$prefix/share/man/man1/portshift.1.gz") "$src/doc/portshift.1" ||
    fail "the installed manual page differs from doc/portshift.1"

# The installed binary runs from its prefix.
capture "$prefix/bin/portshift" diff --offset 2 "$home"
expect_status 1 "the installed portshift diff --offset 2"
capture "$prefix/bin/portshift" --version
expect_status 0 "the installed portshift --version"
[[ $out == "portshift $version (catalog "* ]] || fail "portshift --version is not $version: $out"

# The library: its SONAME, and it exports the functions of src/libportshift.map,
# which are those the public header declares, and nothing else.
soname=$(readelf -d "$prefix/$lib.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libportshift.so.0 ] || fail "SONAME is '$soname', not libportshift.so.0"
exported=$(nm -D --defined-only "$prefix/$lib.$version" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort)
public=$(sed -n '/global:/,/local:/p' "$src/src/libportshift.map" | grep -oE '^ *[a-z_0-9]+;' | tr -d ' ;' | sort)
[ -n "$public" ] || fail "src/libportshift.map lists no symbol"
[ "$exported" = "$public" ] || fail "exported symbols differ from src/libportshift.map: $(diff <(echo "$public") <(echo "$exported") | grep '^[<>]' | tr '\n' ' ')"
declared=$(cat "$prefix/include/portshift/portshift.h" "$prefix/include/portshift/cli.h" |
    cc -x c -fpreprocessed -dD -E -P - |
    grep -oE '\bps_[a-z0-9_]+ *\(' | tr -d ' (' | sort -u)
[ "$declared" = "$public" ] || fail "the headers' functions differ from src/libportshift.map: \
$(diff <(echo "$declared") <(echo "$public") | grep '^[<>]' | tr '\n' ' ')(< header only, > map only)"

# A program built the way its README would say: pkg-config at the prefix.
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
[ "$(pkg-config --modversion portshift)" = "$version" ] || fail "pkg-config --modversion is not $version"
[ -f "$(pkg-config --variable=includedir portshift)/portshift/portshift.h" ] ||
    fail "the .pc file's includedir holds no portshift/portshift.h"
flags=$(pkg-config --cflags --libs portshift) || fail "pkg-config --cflags --libs portshift failed"
# shellcheck disable=SC2086 # flags are words
cc -std=c11 -Wall -Wextra -Werror ${CONSUMER_CFLAGS:-} -o "$scratch/consumer" \
    "$src/tests/package/consumer.c" $flags 2>"$scratch/cc.log" ||
    fail "the consumer does not build: $(cat "$scratch/cc.log")"
grep -q 'NEEDED.*\[libportshift.so.0\]' <<<"$(readelf -d "$scratch/consumer")" ||
    fail "the consumer does not link libportshift.so.0"
export LD_LIBRARY_PATH=$prefix/$libdir
grep -q "libportshift.so.0 => $prefix/$libdir/" <<<"$(ldd "$scratch/consumer")" ||
    fail "the consumer does not load the installed library"
"$scratch/consumer" "$home" || fail "the consumer failed on $home"

# An internal function is out of reach: only the public API is exported.
printf '%s\n' 'void ps_strbuf_puts(void *b, const char *s);' \
    'int main(void) { ps_strbuf_puts(0, ""); return 0; }' >"$scratch/internal.c"
# shellcheck disable=SC2086
if cc ${CONSUMER_CFLAGS:-} -o "$scratch/internal" "$scratch/internal.c" $flags 2>"$scratch/internal.log"; then
    fail "a program links against the internal ps_strbuf_puts"
fi
grep -q "undefined reference to .ps_strbuf_puts" "$scratch/internal.log" ||
    fail "linking the internal function failed for another reason: $(cat "$scratch/internal.log")"

[ -z "$corpus_missing" ] || skip "no corpus at $corpus: the install was checked on the bundled example home"
echo "install: every file in place; the consumer ran against the installed library on $home"
