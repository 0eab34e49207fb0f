# SPDX-License-Identifier: MIT
# cmake -DCLI=<schemaforge> -DSCHEMA=<file> -DAPPROVED=<file> -DWORK=<dir> -P check_golden.cmake
# Generates the header for SCHEMA and compares it byte for byte with the approved file.
file(REMOVE_RECURSE "${WORK}")
execute_process(COMMAND "${CLI}" generate "${SCHEMA}" -o "${WORK}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "schemaforge generate failed (${rc}): ${err}")
endif()
file(GLOB produced "${WORK}/*.hpp")
list(LENGTH produced count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "expected one header in ${WORK}, found: ${produced}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${produced}" "${APPROVED}" RESULT_VARIABLE differ)
if(differ)
  execute_process(COMMAND diff -u "${APPROVED}" "${produced}" OUTPUT_VARIABLE delta)
  string(SUBSTRING "${delta}" 0 4000 delta)
  message(FATAL_ERROR "${produced} differs from ${APPROVED}.\n${delta}\n"
                      "If the change is intended, run scripts/approve-golden and commit the approved files.")
endif()
