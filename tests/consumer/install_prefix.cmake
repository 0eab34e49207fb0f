# SPDX-License-Identifier: MIT
# Installs the build tree BUILD into a fresh PREFIX and checks the layout a consumer relies on.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD}" --prefix "${PREFIX}"
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${status}):\n${out}\n${err}")
endif()
include(GNUInstallDirs)
foreach(expected
    ${CMAKE_INSTALL_BINDIR}/schemaforge
    ${CMAKE_INSTALL_INCLUDEDIR}/schemaforge/schema.hpp
    ${CMAKE_INSTALL_INCLUDEDIR}/schemaforge/errors.hpp
    ${CMAKE_INSTALL_INCLUDEDIR}/schemaforge/gen/json_file.hpp
    ${CMAKE_INSTALL_LIBDIR}/libschemaforge_runtime.a
    ${CMAKE_INSTALL_LIBDIR}/libschemaforge_generator.a
    ${CMAKE_INSTALL_LIBDIR}/cmake/schemaforge/schemaforgeConfig.cmake
    ${CMAKE_INSTALL_LIBDIR}/cmake/schemaforge/schemaforgeConfigVersion.cmake
    ${CMAKE_INSTALL_LIBDIR}/cmake/schemaforge/schemaforgeTargets.cmake
    ${CMAKE_INSTALL_LIBDIR}/cmake/schemaforge/SchemaforgeGenerate.cmake)
  if(NOT EXISTS "${PREFIX}/${expected}")
    message(FATAL_ERROR "cmake --install did not lay out ${expected}")
  endif()
endforeach()
# The installed CLI runs from the prefix.
execute_process(COMMAND "${PREFIX}/${CMAKE_INSTALL_BINDIR}/schemaforge" --version
  RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0 OR NOT out MATCHES "^schemaforge [0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "the installed schemaforge --version failed (${status}): ${out}")
endif()
