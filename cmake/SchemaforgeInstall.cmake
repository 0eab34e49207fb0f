# SPDX-License-Identifier: MIT
# Installs headers, libraries, the CLI, templates and the CMake package, and exports the same
# package from the build tree so find_package(schemaforge) works against either.
include(CMakePackageConfigHelpers)
set(SCHEMAFORGE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/schemaforge)

install(TARGETS schemaforge_runtime schemaforge_generator schemaforge_cli
  EXPORT schemaforgeTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# The model commands' program, which `schemaforge` finds at ../libexec/schemaforge/ from its own.
install(TARGETS schemaforge_cli_model RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/schemaforge)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/ ${PROJECT_SOURCE_DIR}/generator/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The default templates, for users who copy and adapt them (`--templates DIR`).
if(EXISTS ${PROJECT_SOURCE_DIR}/templates)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/templates/ DESTINATION ${CMAKE_INSTALL_DATADIR}/schemaforge/templates)
endif()
install(EXPORT schemaforgeTargets NAMESPACE schemaforge:: DESTINATION ${SCHEMAFORGE_CMAKE_DIR})

configure_file(cmake/schemaforgeConfig.cmake.in ${PROJECT_BINARY_DIR}/schemaforgeConfig.cmake @ONLY)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/schemaforgeConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/schemaforgeConfig.cmake
  ${PROJECT_BINARY_DIR}/schemaforgeConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/SchemaforgeGenerate.cmake
  DESTINATION ${SCHEMAFORGE_CMAKE_DIR})

# The build tree is a package too (fmt's pattern): find_package(schemaforge PATHS <build dir>).
export(EXPORT schemaforgeTargets NAMESPACE schemaforge:: FILE ${PROJECT_BINARY_DIR}/schemaforgeTargets.cmake)
configure_file(cmake/SchemaforgeGenerate.cmake ${PROJECT_BINARY_DIR}/SchemaforgeGenerate.cmake COPYONLY)

# Packaging belongs to the top-level project only: a parent that adds schemaforge keeps its own CPack.
if(SCHEMAFORGE_TOP_LEVEL)
  include(${CMAKE_CURRENT_LIST_DIR}/SchemaforgePackage.cmake)
endif()
