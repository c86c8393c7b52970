#!/usr/bin/env bash
# `cpack -G DEB` builds a package that holds the tool, its manual page and
# completion, the library and its development files, the examples and the
# Ansible collection's source where the manual page says (the collection
# builds from there), a Debian copyright file and changelog, declares libxml2
# among its dependencies, has its library registered by an ldconfig trigger,
# passes lintian without an error, and whose portshift runs from a root it is
# unpacked into.
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
[ -n "$(field Description)" ] || fail "Description is empty"
grep -qE '^[^<>]*[^ <>] <[^ <>@]+@[^ <>@]+>$' <<<"$(field Maintainer)" ||
    fail "Maintainer is not 'Name <address>': $(field Maintainer)"

contents=$(dpkg-deb -c "$deb" | awk '{ print $6 ($7 == "->" ? " -> " $8 : "") }')
doc=./usr/share/doc/portshift
for f in ./usr/bin/portshift ./usr/share/man/man1/portshift.1.gz \
    ./usr/share/bash-completion/completions/portshift ./usr/include/portshift/portshift.h \
    ./usr/share/zsh/vendor-completions/_portshift ./usr/share/fish/vendor_completions.d/portshift.fish \
    $doc/copyright $doc/changelog.gz $doc/examples/apim-2.6-home/repository/conf/carbon.xml \
    $doc/examples/ci/portshift-check.sh $doc/examples/ansible/site.yml $doc/ansible/galaxy.yml \
    $doc/ansible/plugins/modules/portshift.py \
    ./usr/include/portshift/cli.h \
    "./usr/lib/libportshift.so.$version" "./usr/lib/libportshift.so.0 -> libportshift.so.$version" \
    "./usr/lib/libportshift.so -> libportshift.so.0" ./usr/lib/pkgconfig/portshift.pc \
    ./usr/share/portshift/schemas/plan.schema.json $doc/LICENSE; do
    grep -qxF "$f" <<<"$contents" || fail "the package does not hold $f"
done
# The library is registered with the dynamic linker, and programs built against it depend on this package.
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./shlibs)" = "libportshift 0 portshift (>= $version)" ] ||
    fail "the shlibs file does not name libportshift 0"
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./triggers)" = "activate-noawait ldconfig" ] ||
    fail "the package has no ldconfig trigger"

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
    gzip -dc "$scratch/unpacked/usr/share/man/man1/portshift.1.gz" | groff -man -Tutf8 -ww -z ||
        fail "the packaged man page does not render"
fi
# The manual page sends readers to the examples and the collection's source,
# and every folder or file of /usr/share/doc/portshift it names is in the package.
named=$(gzip -dc "$scratch/unpacked/usr/share/man/man1/portshift.1.gz" | sed 's/\\-/-/g' |
    { grep -oE '/usr/share/doc/portshift(/[A-Za-z0-9._-]*[A-Za-z0-9_-])*' || true; } | sort -u)
for want in /usr/share/doc/portshift/examples /usr/share/doc/portshift/ansible; do
    grep -qxF "$want" <<<"$named" || fail "the manual page does not point at $want"
done
while read -r p; do
    [ -e "$scratch/unpacked$p" ] || fail "the manual page points at $p, which the package does not hold"
done <<<"$named"
# The changelog's latest entry is this version (a new version needs an entry).
top=$(gzip -dc "$scratch/unpacked/${doc#./}/changelog.gz" | dpkg-parsechangelog -l- -SVersion)
[ "$top" = "$version" ] || fail "the changelog's latest entry is $top, not $version (cmake/debian/changelog)"
# The copyright file is machine-readable (DEP-5) and names the license.
head -1 "$scratch/unpacked/${doc#./}/copyright" |
    grep -qxF 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
    fail "the copyright file is not in the machine-readable format"
grep -qx 'License: Apache-2.0' "$scratch/unpacked/${doc#./}/copyright" || fail "the copyright file names no Apache-2.0 license"

# The collection builds from the packaged source, as the manual page says.
missing=()
if command -v ansible-galaxy >/dev/null; then
    collection=$scratch/unpacked/${doc#./}/ansible
    cversion=$(sed -n 's/^version: *//p' "$collection/galaxy.yml")
    ANSIBLE_HOME=$scratch/.ansible ansible-galaxy collection build "$collection" --output-path "$scratch/dist" \
        >"$scratch/galaxy.log" 2>&1 || fail "ansible-galaxy cannot build the packaged collection: $(cat "$scratch/galaxy.log")"
    [ -f "$scratch/dist/portshift-wso2-$cversion.tar.gz" ] ||
        fail "ansible-galaxy built no portshift-wso2-$cversion.tar.gz: $(cat "$scratch/galaxy.log")"
else
    missing+=("ansible-galaxy (Debian package ansible-core)")
fi

lintian_result="not run"
if command -v lintian >/dev/null; then
    # Exit 1: a tag at the --fail-on level; any other non-zero: lintian did not run.
    lstatus=0
    lintian --fail-on error --tag-display-limit 0 "$deb" >"$scratch/lintian.log" 2>&1 || lstatus=$?
    errors=$(grep '^E: ' "$scratch/lintian.log" || true)
    [ -z "$errors" ] && [ "$lstatus" -eq 0 ] ||
        fail "lintian (exit $lstatus) reports: $(grep -v 'root privileges' "$scratch/lintian.log" | tr '\n' ' ')"
    lintian_result="no error, $(grep -c '^W: ' "$scratch/lintian.log" || true) warnings"
else
    missing+=("lintian")
fi
[ ${#missing[@]} -eq 0 ] || skip "not installed: ${missing[*]}; every other check passed"
echo "deb: $(basename "$deb"): Depends: $depends; lintian: $lintian_result; the collection builds from the package"
