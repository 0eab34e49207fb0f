# SPDX-License-Identifier: MIT
# Builds and runs one consumer project the way a user would, and checks that schemaforge_generate
# regenerates headers only when an input changed. Run with cmake -P and:
#   PROJECT    consumer project directory (find_package or add_subdirectory); ../common beside it
#   WORK       scratch directory (wiped first): the project is copied there, so touching its schema
#              cannot disturb another test
#   GENERATOR, CXX, LAUNCHER   the parent build's generator, compiler and compiler launcher
#   PREFIX     (optional) CMAKE_PREFIX_PATH for find_package
#   PACKAGE_DIR (optional) schemaforge_DIR for find_package from a build tree
#   SOURCE     (optional) the schemaforge source tree, for add_subdirectory
#   CLI        (optional) the generator binary to touch: its change must regenerate too
cmake_minimum_required(VERSION 3.25)

function(step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "consumer: ${name} failed (${status}):\n${out}\n${err}")
  endif()
  set(step_output "${out}${err}" PARENT_SCOPE)
endfunction()

get_filename_component(name "${PROJECT}" NAME)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(COPY "${PROJECT}" "${PROJECT}/../common" DESTINATION "${WORK}")
set(source "${WORK}/${name}")
set(build "${WORK}/build")

set(configure_args -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_COMPILER=${CXX}")
if(LAUNCHER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
if(PREFIX)
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${PREFIX}")
endif()
if(PACKAGE_DIR)
  list(APPEND configure_args "-Dschemaforge_DIR=${PACKAGE_DIR}")
endif()
if(SOURCE)
  list(APPEND configure_args "-DSCHEMAFORGE_SOURCE_DIR=${SOURCE}")
endif()

step(configure ${CMAKE_COMMAND} -S "${source}" -B "${build}" ${configure_args})
step("first build" ${CMAKE_COMMAND} --build "${build}" -j 2)
set(header "${build}/schemaforge_generated/consumer/order.hpp")
if(NOT EXISTS "${header}")
  message(FATAL_ERROR "consumer: the first build did not generate ${header}:\n${step_output}")
endif()
file(READ "${header}" first_header)

# Nothing changed: the build must do nothing at all.
step("second build" ${CMAKE_COMMAND} --build "${build}" -j 2)
if(step_output MATCHES "schemaforge: generating" OR step_output MATCHES "Linking")
  message(FATAL_ERROR "consumer: a build with nothing changed did work:\n${step_output}")
endif()
if(GENERATOR STREQUAL "Ninja" AND NOT step_output MATCHES "no work to do")
  message(FATAL_ERROR "consumer: ninja found work after an unchanged build:\n${step_output}")
endif()

# A changed schema regenerates its header (byte-identical here: the content did not change).
file(TOUCH "${WORK}/common/order.schema.json")
step("build after touching the schema" ${CMAKE_COMMAND} --build "${build}" -j 2)
if(NOT step_output MATCHES "schemaforge: generating order.hpp")
  message(FATAL_ERROR "consumer: touching the schema did not regenerate order.hpp:\n${step_output}")
endif()
file(READ "${header}" second_header)
if(NOT first_header STREQUAL second_header)
  message(FATAL_ERROR "consumer: regenerating the same schema changed the header")
endif()

if(CLI)
  file(TOUCH "${CLI}")
  step("build after touching the generator" ${CMAKE_COMMAND} --build "${build}" -j 2)
  if(NOT step_output MATCHES "schemaforge: generating order.hpp")
    message(FATAL_ERROR "consumer: a changed generator did not regenerate order.hpp:\n${step_output}")
  endif()
endif()

step(run "${build}/consumer")
if(NOT step_output STREQUAL "order 7 for Ada: 1 line(s)\n")
  message(FATAL_ERROR "consumer: unexpected output:\n${step_output}")
endif()
message(STATUS "consumer ${name}: built, regenerated only on change, ran: ${step_output}")
