# What `cmake --install` puts under the prefix, and the Debian and RPM packages
# CPack builds from the same rules (`cpack -G DEB` or `cpack -G RPM` in the
# build folder).
include(GNUInstallDirs)
# zsh finds completions in its fpath: share/zsh/site-functions under
# /usr/local and on RHEL, but Debian's zsh reads /usr/share/zsh/vendor-completions
# (not /usr/share/zsh/site-functions). The prefix is known only when installing
# (the packages install under /usr, `cmake --install` under /usr/local), so
# an empty value decides then.
set(PORTSHIFT_ZSH_COMPLETION_DIR "" CACHE STRING
    "Where the zsh completion goes (empty: vendor-completions under /usr on Debian, else site-functions)")
set(PORTSHIFT_SUMMARY "apply a port offset to WSO2 Carbon product installs")

install(TARGETS portshift RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS portshift_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/portshift/portshift.h include/portshift/cli.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/portshift)
# The manual page and the Debian changelog are installed compressed with
# gzip -9n (no name, no time stamp: the same bytes on every build), as Debian
# policy asks; man reads either form.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(gz_dir ${CMAKE_CURRENT_BINARY_DIR}/gz)
set(gz_files)
foreach(f doc/portshift.1 cmake/debian/changelog)
  get_filename_component(name ${f} NAME)
  add_custom_command(OUTPUT ${gz_dir}/${name}.gz
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_SOURCE_DIR}/${f} ${gz_dir}/${name}
    COMMAND ${GZIP_PROGRAM} -9nf ${gz_dir}/${name}
    DEPENDS ${f} VERBATIM)
  list(APPEND gz_files ${gz_dir}/${name}.gz)
endforeach()
add_custom_target(portshift_gz ALL DEPENDS ${gz_files})
install(FILES ${gz_dir}/portshift.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# Each shell loads a command's completion from its folder when it is first
# completed: bash-completion completions/<command>, zsh _<command> in its
# fpath, fish vendor_completions.d/<command>.fish.
install(FILES completion/portshift.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME portshift)
if(PORTSHIFT_ZSH_COMPLETION_DIR)
  install(FILES completion/_portshift DESTINATION ${PORTSHIFT_ZSH_COMPLETION_DIR})
else()
  install(CODE "
    set(zsh_dir site-functions)
    if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\" AND EXISTS /etc/debian_version)
      set(zsh_dir vendor-completions)
    endif()
    file(INSTALL \"${CMAKE_CURRENT_SOURCE_DIR}/completion/_portshift\"
         DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/zsh/\${zsh_dir}\")")
endif()
install(FILES completion/portshift.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# The JSON schemas of the documents portshift prints, for users who validate
# its output. The catalog is built into the binary: neither it nor its XSD is
# installed, since nothing installed would read them.
install(DIRECTORY schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/portshift/schemas
        FILES_MATCHING PATTERN "*.schema.json")
# The documentation folder: the license (also as Debian's machine-readable
# copyright file), the changelog, and what the manual page points at: the
# examples and the source of the Ansible collection portshift.wso2, which
# users build there with ansible-galaxy (no package format carries a
# collection; Galaxy's archive is built from this source). Left out: Python's
# and Ansible's leftovers and a collection archive built in place.
install(FILES LICENSE README.md cmake/debian/copyright ${gz_dir}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
foreach(dir examples ansible)
  install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/${dir} USE_SOURCE_PERMISSIONS
          PATTERN __pycache__ EXCLUDE PATTERN "*.pyc" EXCLUDE PATTERN "*.retry" EXCLUDE
          PATTERN "*.tar.gz" EXCLUDE)
endforeach()

# portshift.pc names the prefix it is installed under, so it is written at
# install time: `cmake --install --prefix P` gets P, the package /usr.
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
install(CODE "
  set(PC_LIBDIR [[${PC_LIBDIR}]])
  set(PC_INCLUDEDIR [[${PC_INCLUDEDIR}]])
  set(PORTSHIFT_SUMMARY [[${PORTSHIFT_SUMMARY}]])
  set(PROJECT_VERSION ${PROJECT_VERSION})
  string(MD5 key \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
  set(pc \"${CMAKE_CURRENT_BINARY_DIR}/pc-\${key}/portshift.pc\")
  configure_file(\"${CMAKE_CURRENT_SOURCE_DIR}/cmake/portshift.pc.in\" \"\${pc}\" @ONLY)
  file(INSTALL \"\${pc}\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\")
  file(REMOVE_RECURSE \"${CMAKE_CURRENT_BINARY_DIR}/pc-\${key}\")")

# One package with the tool, the library and its development files, as a .deb
# (the default generator) or an .rpm (`cpack -G RPM`, package rpm on Debian,
# rpm-build on RHEL).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME portshift)
# Debian wants "Name <address>"; set it to whoever answers for the package built.
set(PORTSHIFT_PACKAGE_CONTACT "portshift developers <portshift@example.org>"
    CACHE STRING "The packages' maintainer, as Name <address>")
set(CPACK_PACKAGE_CONTACT "${PORTSHIFT_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PORTSHIFT_SUMMARY}")
set(CPACK_PACKAGE_DESCRIPTION
    "portshift sets the port offset of WSO2 products (API Manager, Identity
Server, Enterprise Integrator, Micro Integrator, ...) and moves every literal
local reference along with the listener it points at, editing only the digits
that change. It shows the change as a unified diff before writing.

This package holds the portshift command, its manual page and bash, zsh and
fish completion, libportshift with its header and pkg-config file, and, under
/usr/share/doc/portshift, the examples (an Ansible playbook, a CI check) and
the source of the Ansible collection portshift.wso2.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

# Debian: Depends is computed by dpkg-shlibdeps (package dpkg-dev) from the
# ELF files: libc6 and libxml2.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shlibs file for programs built against libportshift.so.0.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# dpkg runs ldconfig once per transaction through this trigger (CPack also
# adds a postinst and postrm that call it, which lintian only warns about).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/cmake/debian/triggers)
# Building against the library goes through pkg-config, whose portshift.pc
# requires libxml-2.0 (libxml2-dev).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, pkg-config, libxml2-dev")

# RPM (RHEL, Rocky): rpmbuild finds the sonames the ELF files need
# (libxml2.so.2); the package is named too, as the .deb names it. Build it
# where GNUInstallDirs gives lib64 (RHEL), or configure with
# -DCMAKE_INSTALL_LIBDIR=lib64 -DPORTSHIFT_ZSH_COMPLETION_DIR=share/zsh/site-functions.
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE Apache-2.0)
set(CPACK_RPM_PACKAGE_GROUP "Applications/System")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_PACKAGE_REQUIRES libxml2)
# rpmbuild would make the .pc file require pkg-config and libxml2-devel (its
# Requires.private): they are needed to build against the library, not to run
# portshift, so they are suggested, as in the .deb. No /usr/lib/.build-id
# links: they belong to a distribution's debuginfo scheme.
set(CPACK_RPM_SPEC_MORE_DEFINE
    "%global __requires_exclude ^(pkgconfig[(]|/usr/bin/pkg-config)\n%define _build_id_links none")
set(CPACK_RPM_PACKAGE_SUGGESTS "pkgconfig, libxml2-devel")
# The package lists only its own folders: these belong to the filesystem
# package or to the shells (CPack already leaves out /usr, /usr/bin, /usr/lib64,
# /usr/include, /usr/share and /usr/share/doc).
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/share/man /usr/share/man/man1 /usr/lib/pkgconfig /usr/lib64/pkgconfig
    /usr/share/bash-completion /usr/share/bash-completion/completions
    /usr/share/zsh /usr/share/zsh/site-functions /usr/share/zsh/vendor-completions
    /usr/share/fish /usr/share/fish/vendor_completions.d)
include(CPack)
