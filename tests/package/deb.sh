#!/usr/bin/env bash
# `cpack -G DEB` builds a package that holds the tool, its manual page and
# completion, the library and its development files, declares libxml2 among
# its dependencies, and whose portshift runs from a root it is unpacked into.
# usage: deb.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build=$1 src=$2 version=$3
. "$src/tests/support/testlib.sh"
for tool in cpack dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (Debian package dpkg-dev)"
done

make_scratch
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
    fail "cpack -G DEB failed: $(tail -5 "$scratch/cpack.log")"
debs=("$scratch"/out/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made ${#debs[@]} .deb files, not one"
deb=${debs[0]}

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = portshift ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is '$(field Architecture)'"
depends=$(field Depends)
grep -qE '(^|, )libxml2( \(>= [0-9.]+\))?(,|$)' <<<"$depends" || fail "libxml2 is not in Depends: $depends"
grep -qE '(^|, )libc6( |,|$)' <<<"$depends" || fail "libc6 is not in Depends: $depends"
[ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ] || fail "Maintainer or Description is empty"

contents=$(dpkg-deb -c "$deb" | awk '{ print $6 ($7 == "->" ? " -> " $8 : "") }')
for f in ./usr/bin/portshift ./usr/share/man/man1/portshift.1 \
    ./usr/share/bash-completion/completions/portshift ./usr/include/portshift/portshift.h \
    ./usr/include/portshift/cli.h \
    "./usr/lib/libportshift.so.$version" "./usr/lib/libportshift.so.0 -> libportshift.so.$version" \
    "./usr/lib/libportshift.so -> libportshift.so.0" ./usr/lib/pkgconfig/portshift.pc \
    ./usr/share/portshift/schemas/plan.schema.json ./usr/share/doc/portshift/LICENSE; do
    grep -qxF "$f" <<<"$contents" || fail "the package does not hold $f"
done
# The library is registered with the dynamic linker, and programs built against it depend on this package.
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./shlibs)" = "libportshift 0 portshift (>= $version)" ] ||
    fail "the shlibs file does not name libportshift 0"
grep -q ldconfig <<<"$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst)" || fail "postinst does not run ldconfig"

# Unpacked into a scratch root, the packaged files work: the binary runs on the
# example home, and the .pc file names /usr.
dpkg-deb -x "$deb" "$scratch/unpacked"
cp -r "$src/examples/apim-2.6-home" "$scratch/home"
capture "$scratch/unpacked/usr/bin/portshift" diff --offset 2 "$scratch/home"
expect_status 1 "the packaged portshift diff --offset 2"
grep -qxF '+        <Offset>2</Offset>' <<<"$out" || fail "the packaged portshift's diff does not set <Offset> to 2"
capture "$scratch/unpacked/usr/bin/portshift" apply --offset 2 "$scratch/home"
expect_status 0 "the packaged portshift apply --offset 2"
grep -qF '<Offset>2</Offset>' "$scratch/home/repository/conf/carbon.xml" || fail "apply did not write the offset"
grep -qx 'prefix=/usr' "$scratch/unpacked/usr/lib/pkgconfig/portshift.pc" || fail "the packaged .pc file does not name /usr"
groff_ok=$(command -v groff || true)
if [ -n "$groff_ok" ]; then
    groff -man -Tutf8 -ww -z "$scratch/unpacked/usr/share/man/man1/portshift.1" || fail "the packaged man page does not render"
fi
echo "deb: $(basename "$deb"): Depends: $depends"
