# SPDX-License-Identifier: MIT
# Builds the .deb with CPack from the build tree BUILD, checks its metadata, and unpacks it into
# WORK/root (what dpkg -i would write under /) so a consumer can use WORK/root/usr as a prefix.
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

execute_process(COMMAND cpack -G DEB --config "${BUILD}/CPackConfig.cmake" -B "${WORK}"
  WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cpack failed (${status}):\n${out}\n${err}")
endif()
file(GLOB packages "${WORK}/schemaforge_*.deb")
list(LENGTH packages count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "expected one schemaforge_*.deb in ${WORK}, found: ${packages}")
endif()

execute_process(COMMAND dpkg-deb --field "${packages}" Package Version Depends
  RESULT_VARIABLE status OUTPUT_VARIABLE fields)
foreach(expected "Package: schemaforge" "Version: ${VERSION}" "libcurl4-openssl-dev" "nlohmann-json3-dev" "libc6")
  if(NOT fields MATCHES "${expected}")
    message(FATAL_ERROR "the package's control fields lack '${expected}':\n${fields}")
  endif()
endforeach()

execute_process(COMMAND dpkg-deb --extract "${packages}" "${WORK}/root" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "dpkg-deb --extract failed (${status})")
endif()
foreach(expected usr/bin/schemaforge usr/libexec/schemaforge/schemaforge-model usr/include/schemaforge/schema.hpp usr/lib/cmake/schemaforge/schemaforgeConfig.cmake
                 usr/lib/cmake/schemaforge/SchemaforgeGenerate.cmake usr/lib/libschemaforge_runtime.a)
  if(NOT EXISTS "${WORK}/root/${expected}")
    message(FATAL_ERROR "the package does not install /${expected}")
  endif()
endforeach()
execute_process(COMMAND "${WORK}/root/usr/bin/schemaforge" --version RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0 OR NOT out STREQUAL "schemaforge ${VERSION}\n")
  message(FATAL_ERROR "the packaged schemaforge --version: status ${status}, printed '${out}'")
endif()
# The model commands run in a second program that the packaged schemaforge must find.
execute_process(COMMAND "${WORK}/root/usr/bin/schemaforge" structure --help RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0 OR NOT out MATCHES "--schema")
  message(FATAL_ERROR "the packaged schemaforge structure --help: status ${status}, printed '${out}'")
endif()
message(STATUS "${packages}:\n${fields}")
