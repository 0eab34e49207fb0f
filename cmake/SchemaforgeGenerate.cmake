# SPDX-License-Identifier: MIT
#
# schemaforge_generate(<target> SCHEMAS <files...> [NAMESPACE <ns>] [OUTPUT_DIR <dir>] [TEMPLATE_DIR <dir>])
#
# Generates one C++ header per schema at build time (<OUTPUT_DIR>/<stem>.hpp, stem = file name
# without ".json" and a trailing ".schema"), adds the headers to <target>'s sources and
# <OUTPUT_DIR> to its include path, and links nlohmann_json. A header is regenerated only when its
# schema, a template or the generator itself changed. The default templates are built into the
# generator, so a change to them is a change of the generator.
include_guard(GLOBAL)

function(schemaforge_generate target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "NAMESPACE;OUTPUT_DIR;TEMPLATE_DIR" "SCHEMAS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "schemaforge_generate(${target}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "schemaforge_generate(${target}): no such target; create it before calling schemaforge_generate")
  endif()
  if(NOT arg_SCHEMAS)
    message(FATAL_ERROR "schemaforge_generate(${target}): SCHEMAS needs at least one schema file")
  endif()
  if(NOT TARGET schemaforge::cli)
    message(FATAL_ERROR "schemaforge_generate(${target}): the schemaforge::cli target is missing; use find_package(schemaforge) or add_subdirectory(schemaforge) first")
  endif()

  # Re-run when the generator binary changes: a file-level dependency on it (works for an imported
  # CLI too) plus, inside the same build, a target-level one so it is built first.
  set(cli_depends "$<TARGET_FILE:schemaforge::cli>")
  get_target_property(cli_imported schemaforge::cli IMPORTED)
  if(NOT cli_imported)
    get_target_property(cli_target schemaforge::cli ALIASED_TARGET)
    if(NOT cli_target)
      set(cli_target schemaforge::cli)
    endif()
    list(APPEND cli_depends ${cli_target})
  endif()
  # Under add_subdirectory(schemaforge) its imported nlohmann_json target lives in that directory only.
  if(NOT TARGET nlohmann_json::nlohmann_json)
    find_package(nlohmann_json 3.11 REQUIRED)
  endif()

  if(NOT arg_OUTPUT_DIR)
    set(arg_OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/schemaforge_generated/${target}")
  endif()
  cmake_path(ABSOLUTE_PATH arg_OUTPUT_DIR BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)

  set(options "")
  if(arg_NAMESPACE)
    list(APPEND options --namespace "${arg_NAMESPACE}")
  endif()
  set(template_files "")
  if(arg_TEMPLATE_DIR)
    cmake_path(ABSOLUTE_PATH arg_TEMPLATE_DIR BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    file(GLOB template_files CONFIGURE_DEPENDS "${arg_TEMPLATE_DIR}/*.mustache")
    list(APPEND options --templates "${arg_TEMPLATE_DIR}")
  endif()

  set(headers "")
  foreach(schema IN LISTS arg_SCHEMAS)
    cmake_path(ABSOLUTE_PATH schema BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    cmake_path(GET schema FILENAME stem)
    string(REGEX REPLACE "\\.json$" "" stem "${stem}")
    string(REGEX REPLACE "\\.schema$" "" stem "${stem}")
    set(header "${arg_OUTPUT_DIR}/${stem}.hpp")
    add_custom_command(
      OUTPUT "${header}"
      COMMAND "$<TARGET_FILE:schemaforge::cli>" generate "${schema}" -o "${arg_OUTPUT_DIR}" ${options}
      DEPENDS "${schema}" ${template_files} ${cli_depends}
      COMMENT "schemaforge: generating ${stem}.hpp"
      VERBATIM)
    list(APPEND headers "${header}")
  endforeach()

  # Properties rather than target_link_libraries(): that command refuses to mix its keyword and
  # plain forms on one target, and the caller may use either.
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_sources(${target} INTERFACE ${headers})
  else()
    target_sources(${target} PRIVATE ${headers})
    set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES nlohmann_json::nlohmann_json)
    set_property(TARGET ${target} APPEND PROPERTY INCLUDE_DIRECTORIES "${arg_OUTPUT_DIR}")
  endif()
  set_property(TARGET ${target} APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES "$<BUILD_INTERFACE:${arg_OUTPUT_DIR}>")
  set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES nlohmann_json::nlohmann_json)
endfunction()
