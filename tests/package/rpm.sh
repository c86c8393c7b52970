#!/usr/bin/env bash
# `cpack -G RPM` builds a package for RHEL and Rocky: the library under
# /usr/lib64, zsh's completion in site-functions, libxml2 required (by name
# and by soname), no directory listed that the filesystem package or a shell
# owns, and, unpacked, a portshift that runs and a library that a program
# built against it loads. The build configures a tree of its own with RHEL's
# folders (GNUInstallDirs gives lib64 by itself on RHEL, not on Debian).
# usage: rpm.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build=$1 src=$2 version=$3
. "$src/tests/support/testlib.sh"
for tool in cpack rpmbuild rpm rpm2cpio cpio; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (Debian package rpm, cpio)"
done

make_scratch
rpmbuild_dir=$scratch/build
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
cmake -S "$src" -B "$rpmbuild_dir" -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE="${build_type:-RelWithDebInfo}" \
    -DCMAKE_INSTALL_LIBDIR=lib64 -DPORTSHIFT_ZSH_COMPLETION_DIR=share/zsh/site-functions \
    >"$scratch/cmake.log" 2>&1 || fail "configure failed: $(tail -5 "$scratch/cmake.log")"
cmake --build "$rpmbuild_dir" -j2 >"$scratch/build.log" 2>&1 || fail "build failed: $(tail -5 "$scratch/build.log")"
(cd "$rpmbuild_dir" && cpack -G RPM -B "$scratch/out") >"$scratch/cpack.log" 2>&1 ||
    fail "cpack -G RPM failed: $(tail -5 "$scratch/cpack.log")"
rpms=("$scratch"/out/*.rpm)
[ ${#rpms[@]} -eq 1 ] && [ -f "${rpms[0]}" ] || fail "cpack made ${#rpms[@]} .rpm files, not one"
rpm=${rpms[0]}

tag() { rpm -qp --qf "%{$1}" "$rpm" 2>/dev/null; }
[ "$(tag NAME)" = portshift ] || fail "Name is '$(tag NAME)'"
[ "$(tag VERSION)" = "$version" ] || fail "Version is '$(tag VERSION)', not $version"
[ "$(tag LICENSE)" = Apache-2.0 ] || fail "License is '$(tag LICENSE)'"
[ "$(tag ARCH)" = "$(uname -m)" ] || fail "Arch is '$(tag ARCH)', not $(uname -m)"

# libxml2 is required by package name and by the soname rpmbuild read from the ELF files.
requires=$(rpm -qpR "$rpm" 2>/dev/null | sed 's/ *$//')
grep -qx 'libxml2' <<<"$requires" || fail "libxml2 is not required: $(tr '\n' ' ' <<<"$requires")"
grep -qx 'libxml2.so.2()(64bit)' <<<"$requires" || fail "libxml2.so.2 is not required: $(tr '\n' ' ' <<<"$requires")"
# Building against the library needs pkg-config and libxml2-devel; running portshift does not.
grep -qE '^(pkgconfig\(|/usr/bin/pkg-config)' <<<"$requires" && fail "the package requires pkg-config or a -devel package"

files=$(rpm -qpl "$rpm" 2>/dev/null)
doc=/usr/share/doc/portshift
for f in /usr/bin/portshift /usr/lib64/libportshift.so.0 "/usr/lib64/libportshift.so.$version" \
    /usr/lib64/libportshift.so /usr/lib64/pkgconfig/portshift.pc /usr/include/portshift/portshift.h \
    /usr/share/man/man1/portshift.1.gz /usr/share/bash-completion/completions/portshift \
    /usr/share/zsh/site-functions/_portshift /usr/share/fish/vendor_completions.d/portshift.fish \
    /usr/share/portshift/schemas/plan.schema.json $doc/LICENSE $doc/examples/ci/portshift-check.sh \
    $doc/ansible/galaxy.yml; do
    grep -qxF "$f" <<<"$files" || fail "the package does not hold $f"
done
grep -q '^/usr/lib/' <<<"$files" && fail "the package holds files under /usr/lib, not /usr/lib64"
# The folders of the filesystem package (and of the shells) are not the package's own.
for d in / /etc /usr /usr/bin /usr/lib /usr/lib64 /usr/lib64/pkgconfig /usr/include /usr/share \
    /usr/share/doc /usr/share/man /usr/share/man/man1 /usr/share/bash-completion \
    /usr/share/bash-completion/completions /usr/share/zsh /usr/share/zsh/site-functions \
    /usr/share/fish /usr/share/fish/vendor_completions.d; do
    grep -qxF "$d" <<<"$files" && fail "the package lists $d, a folder it does not own"
done
# Every folder it lists is its own.
dirs=$(rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpm" 2>/dev/null | sed -n 's/^d[^ ]* //p')
[ -n "$dirs" ] || fail "the package lists no folder (not even $doc)"
while read -r d; do
    [[ $d == */portshift || $d == */portshift/* ]] || fail "the package lists the folder $d"
done <<<"$dirs"

# Unpacked: the binary runs, and a program built against the packaged library loads it.
root=$scratch/root
mkdir "$root"
rpm2cpio "$rpm" | (cd "$root" && cpio -idm --quiet) || fail "rpm2cpio | cpio failed"
export LD_LIBRARY_PATH=$root/usr/lib64
missing=$(ldd "$root/usr/bin/portshift" "$root/usr/lib64/libportshift.so.0" | grep 'not found' || true)
[ -z "$missing" ] || fail "unresolved libraries: $missing"
capture "$root/usr/bin/portshift" --version
expect_status 0 "the packaged portshift --version"
[[ $out == "portshift $version "* ]] || fail "--version says '$out'"
cp -r "$src/examples/apim-2.6-home" "$scratch/home"
capture "$root/usr/bin/portshift" diff --offset 2 "$scratch/home"
expect_status 1 "the packaged portshift diff --offset 2"
# shellcheck disable=SC2016 # the .pc file's own ${prefix}
grep -qx 'libdir=${prefix}/lib64' "$root/usr/lib64/pkgconfig/portshift.pc" || fail "the .pc file's libdir is not lib64"
flags=$(PKG_CONFIG_PATH=$root/usr/lib64/pkgconfig pkg-config --define-variable=prefix="$root/usr" \
    --cflags --libs portshift) || fail "pkg-config fails on the packaged portshift.pc"
# shellcheck disable=SC2086 # flags are words
cc -std=c11 -o "$scratch/consumer" "$src/tests/package/consumer.c" $flags 2>"$scratch/cc.log" ||
    fail "the consumer does not build against the package: $(cat "$scratch/cc.log")"
grep -q "libportshift.so.0 => $root/usr/lib64/" <<<"$(ldd "$scratch/consumer")" ||
    fail "the consumer does not load the packaged library"
"$scratch/consumer" "$src/examples/apim-2.6-home" >/dev/null || fail "the consumer failed against the packaged library"
echo "rpm: $(basename "$rpm"): Requires: $(tr '\n' ' ' <<<"$requires")"
