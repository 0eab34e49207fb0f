# SPDX-License-Identifier: MIT
# cmake -DCLI=<exe> -DARGS=<a;b;c> -DEXPECT_RC=<n> -DEXPECT_ERR=<regex> [-DEXPECT_OUT=<regex>]
#       [-DEXPECT_FILE=<path>] [-DEXPECT_NO_PATH=<path>] -P check_cli.cmake
# Runs the CLI and checks its exit status, stderr (whole text against a regex), that stdout
# stays empty unless EXPECT_OUT is given, and that a path was written or not left behind.
execute_process(COMMAND "${CLI}" ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "exit status ${rc}, expected ${EXPECT_RC}\nstderr: ${err}")
endif()
if(NOT err MATCHES "${EXPECT_ERR}")
  message(FATAL_ERROR "stderr does not match ${EXPECT_ERR}:\n${err}")
endif()
if(DEFINED EXPECT_OUT)
  if(NOT out MATCHES "${EXPECT_OUT}")
    message(FATAL_ERROR "stdout does not match ${EXPECT_OUT}:\n${out}")
  endif()
elseif(NOT out STREQUAL "")
  message(FATAL_ERROR "stdout must stay empty, got:\n${out}")
endif()
if(DEFINED EXPECT_FILE AND NOT EXISTS "${EXPECT_FILE}")
  message(FATAL_ERROR "${EXPECT_FILE} was not written")
endif()
if(DEFINED EXPECT_NO_PATH AND EXISTS "${EXPECT_NO_PATH}")
  message(FATAL_ERROR "${EXPECT_NO_PATH} was left behind")
endif()
