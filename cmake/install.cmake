# What `cmake --install` puts under the prefix, and the Debian package CPack
# builds from the same rules (`cpack -G DEB` in the build folder).
include(GNUInstallDirs)
set(PORTSHIFT_SUMMARY "apply a port offset to WSO2 Carbon product installs")

install(TARGETS portshift RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS portshift_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/portshift/portshift.h include/portshift/cli.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/portshift)
install(FILES doc/portshift.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# bash-completion loads completions/<command> when the command is first completed.
install(FILES completion/portshift.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME portshift)
# The JSON schemas of the documents portshift prints, for users who validate
# its output. The catalog is built into the binary: neither it nor its XSD is
# installed, since nothing installed would read them.
install(DIRECTORY schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/portshift/schemas
        FILES_MATCHING PATTERN "*.schema.json")
install(FILES LICENSE README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

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

# One .deb with the tool, the library and its development files. Depends is
# computed by dpkg-shlibdeps (package dpkg-dev) from the ELF files: libc6 and
# libxml2.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME portshift)
set(CPACK_PACKAGE_CONTACT "portshift developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PORTSHIFT_SUMMARY}")
set(CPACK_PACKAGE_DESCRIPTION
    "portshift sets the port offset of WSO2 products (API Manager, Identity
Server, Enterprise Integrator, Micro Integrator, ...) and moves every literal
local reference along with the listener it points at, editing only the digits
that change. It shows the change as a unified diff before writing.

This package holds the portshift command, its manual page and bash
completion, and libportshift with its header and pkg-config file.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shlibs file for programs built against libportshift.so.0, and the ldconfig trigger.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# Building against the library goes through pkg-config, whose portshift.pc
# requires libxml-2.0 (libxml2-dev).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, pkg-config, libxml2-dev")
set(CPACK_STRIP_FILES ON)
include(CPack)
