# SPDX-License-Identifier: MIT
#
# cmake -DSCHEMAFORGE=<cli> -DSCHEMA=<name.schema.json> -DCASE_DIR=<name> -DWORK_DIR=<dir> -P validate_case.cmake
#
# Cross-checks one corpus case with `schemaforge validate`: every valid/*.json instance must be
# valid (exit 0) and every invalid/*.json instance must be invalid (exit 1), except the ones marked
# "json_schema_valid": true (integers beyond int64: valid JSON Schema, rejected only by the C++ type).
# This checks the corpus against the validator as much as the validator against the corpus.
foreach(var SCHEMAFORGE SCHEMA CASE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "validate_case.cmake needs -D${var}=...")
  endif()
endforeach()

set(failures "")
file(GLOB valid_files "${CASE_DIR}/valid/*.json")
list(FILTER valid_files EXCLUDE REGEX "\\.expected\\.json$")
if(NOT valid_files)
  message(FATAL_ERROR "${CASE_DIR}: no valid instances")
endif()
execute_process(COMMAND "${SCHEMAFORGE}" validate --schema "${SCHEMA}" ${valid_files}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  list(APPEND failures "valid instances: exit ${status}\n${out}${err}")
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(GLOB invalid_files "${CASE_DIR}/invalid/*.json")
set(checked 0)
foreach(file IN LISTS invalid_files)
  file(READ "${file}" text)
  string(JSON only_type ERROR_VARIABLE no_flag GET "${text}" json_schema_valid)
  if(NOT no_flag AND only_type)
    continue()
  endif()
  string(JSON instance GET "${text}" instance)
  cmake_path(GET file FILENAME name)
  file(WRITE "${WORK_DIR}/${name}" "${instance}")
  execute_process(COMMAND "${SCHEMAFORGE}" validate --schema "${SCHEMA}" "${WORK_DIR}/${name}"
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 1)
    list(APPEND failures "invalid/${name}: exit ${status} (expected 1)\n${out}${err}")
  endif()
  math(EXPR checked "${checked} + 1")
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")

list(LENGTH valid_files valid_count)
if(failures)
  string(REPLACE ";" "\n" failures "${failures}")
  message(FATAL_ERROR "${CASE_DIR}:\n${failures}")
endif()
message(STATUS "${CASE_DIR}: ${valid_count} valid, ${checked} invalid agree with schemaforge validate")
