# SPDX-License-Identifier: MIT
# `schemaforge --version` prints the project version, and every command listed by `--help` (and
# every subcommand listed by its own --help) answers `<command> --help` with its usage and
# `<command> --version` with the version. Run with cmake -P, -DCLI=<binary> -DVERSION=<x.y.z>.
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${CLI}" --version RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out STREQUAL "schemaforge ${VERSION}\n")
  message(FATAL_ERROR "schemaforge --version: status ${status}, printed '${out}${err}'")
endif()

execute_process(COMMAND "${CLI}" --help RESULT_VARIABLE status OUTPUT_VARIABLE help)
if(NOT status EQUAL 0 OR NOT help MATCHES "Subcommands:\n")
  message(FATAL_ERROR "schemaforge --help: status ${status}, printed:\n${help}")
endif()
string(REGEX REPLACE ".*Subcommands:\n" "" listing "${help}")
string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9_-]*" commands "${listing}")
list(TRANSFORM commands STRIP)
if(NOT commands)
  message(FATAL_ERROR "schemaforge --help lists no commands:\n${help}")
endif()
# The commands' own subcommands too ("batch export"), found in each command's help the same way.
set(all_commands)
foreach(command IN LISTS commands)
  list(APPEND all_commands "${command}")
  execute_process(COMMAND "${CLI}" ${command} --help OUTPUT_VARIABLE out ERROR_QUIET)
  if(out MATCHES "Subcommands:\n")
    string(REGEX REPLACE ".*Subcommands:\n" "" sub_listing "${out}")
    string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9_-]*" subs "${sub_listing}")
    list(TRANSFORM subs STRIP)
    foreach(sub IN LISTS subs)
      list(APPEND all_commands "${command} ${sub}")
    endforeach()
  endif()
endforeach()
foreach(command IN LISTS all_commands)
  separate_arguments(words UNIX_COMMAND "${command}")
  execute_process(COMMAND "${CLI}" ${words} --help RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT out MATCHES "Usage: schemaforge ${command}")
    message(FATAL_ERROR "schemaforge ${command} --help: status ${status}, printed:\n${out}${err}")
  endif()
  # --version after a command too, even though the command's required arguments are missing.
  execute_process(COMMAND "${CLI}" ${words} --version RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT out STREQUAL "schemaforge ${VERSION}\n")
    message(FATAL_ERROR "schemaforge ${command} --version: status ${status}, printed '${out}${err}'")
  endif()
endforeach()

# Without a command: one-line usage error, exit 2.
execute_process(COMMAND "${CLI}" RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 2 OR NOT err MATCHES "^schemaforge: error: ")
  message(FATAL_ERROR "schemaforge without a command: status ${status}, printed '${out}${err}'")
endif()
message(STATUS "--version and --help work for: ${all_commands}")
