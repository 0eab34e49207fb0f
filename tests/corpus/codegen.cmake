# SPDX-License-Identifier: MIT
#
# Included from tests/corpus/CMakeLists.txt: generated C++ for every corpus schema (needs
# `schemaforge generate`). corpus_schemas is set by the includer.

# Cases the generator cannot handle yet. A case listed here is not built or run; each line says
# why, so it can be handed to the generator's owner. Remove the line once the case passes.
set(corpus_known_failing)

# Single instances the generated code gets wrong: "<name>/<valid|invalid>/<file>", each with why.
# corpus_roundtrip skips them (and says so); the rest of the schema's cases still run.
set(corpus_known_failing_cases)

# Schemas whose type names clash with others in the corpus (peer_defs_reuse's Address/Person vs
# peer_order's and peer_allof's; probe_anchor_ref's Probe/N vs probe_unsupported_keywords') are
# generated into a second namespace. Several headers share one namespace only when their types
# have distinct names; the rest still meet in one translation unit (all_headers.cpp).
set(corpus_namespace_b_cases peer_defs_reuse probe_anchor_ref)

# corpus_root_type(<schema> <stem> <out>): the root type name per the contract: the title, else
# the file stem, split on ' ', '_', '-', '.', each word's first letter upper-cased. <name>/root_type.txt
# overrides it for titles that need the naming rules' escaping.
function(corpus_root_type schema stem out)
  get_filename_component(dir "${schema}" DIRECTORY)
  if(EXISTS "${dir}/${stem}/root_type.txt")
    file(STRINGS "${dir}/${stem}/root_type.txt" name LIMIT_COUNT 1)
    set(${out} "${name}" PARENT_SCOPE)
    return()
  endif()
  file(READ "${schema}" text)
  string(JSON title ERROR_VARIABLE no_title GET "${text}" title)
  if(no_title OR title STREQUAL "")
    set(title "${stem}")
  endif()
  string(REGEX REPLACE "[ _.-]+" ";" words "${title}")
  set(name "")
  foreach(word IN LISTS words)
    if(word STREQUAL "")
      continue()
    endif()
    string(SUBSTRING "${word}" 0 1 first)
    string(SUBSTRING "${word}" 1 -1 rest)
    string(TOUPPER "${first}" first)
    string(APPEND name "${first}${rest}")
  endforeach()
  set(${out} "${name}" PARENT_SCOPE)
endfunction()

set(corpus_driver_dir "${CMAKE_CURRENT_SOURCE_DIR}/driver")
set(corpus_case_sources "")
set(corpus_schemas_a "")
set(corpus_schemas_b "")
set(corpus_includes "")
set(corpus_header_count 0)
set(corpus_case_names "")
foreach(schema IN LISTS corpus_schemas)
  cmake_path(GET schema FILENAME file_name)
  string(REGEX REPLACE "\\.schema\\.json$" "" name "${file_name}")
  if(name IN_LIST corpus_known_failing)
    continue()
  endif()
  corpus_root_type("${schema}" "${name}" type)
  if(name IN_LIST corpus_namespace_b_cases)
    set(CORPUS_NAMESPACE corpus_b)
    list(APPEND corpus_schemas_b "${schema}")
    string(APPEND corpus_includes "#include \"b/${name}.hpp\"\n")
  else()
    set(CORPUS_NAMESPACE corpus)
    list(APPEND corpus_schemas_a "${schema}")
    string(APPEND corpus_includes "#include \"a/${name}.hpp\"\n")
  endif()
  math(EXPR corpus_header_count "${corpus_header_count} + 1")
  set(CORPUS_NAME "${name}")
  set(CORPUS_STEM "${name}")
  set(CORPUS_TYPE "${type}")
  string(MAKE_C_IDENTIFIER "${name}" CORPUS_ID)
  configure_file(driver/roundtrip_case.cpp.in "${CMAKE_CURRENT_BINARY_DIR}/cases/roundtrip_${name}.cpp" @ONLY)
  list(APPEND corpus_case_sources "${CMAKE_CURRENT_BINARY_DIR}/cases/roundtrip_${name}.cpp")
  list(APPEND corpus_case_names "${name}")
endforeach()

set(CORPUS_INCLUDES "${corpus_includes}")
set(CORPUS_HEADER_COUNT ${corpus_header_count})
foreach(copy a b)
  set(CORPUS_FUNCTION "all_headers_${copy}")
  configure_file(driver/all_headers.cpp.in "${CMAKE_CURRENT_BINARY_DIR}/cases/all_headers_${copy}.cpp" @ONLY)
endforeach()

# Generated headers: namespace corpus into <bin>/generated/a, corpus_b into <bin>/generated/b.
# Interface libraries carry the generation step to every target that links them.
set(corpus_generated_dir "${CMAKE_CURRENT_BINARY_DIR}/generated")
add_library(corpus_headers_a INTERFACE)
schemaforge_generate(corpus_headers_a SCHEMAS ${corpus_schemas_a} NAMESPACE corpus OUTPUT_DIR "${corpus_generated_dir}/a")
add_library(corpus_headers_b INTERFACE)
schemaforge_generate(corpus_headers_b SCHEMAS ${corpus_schemas_b} NAMESPACE corpus_b OUTPUT_DIR "${corpus_generated_dir}/b")

# What a user of generated headers compiles with: C++17, every warning an error.
set(corpus_warning_flags -Wall -Wextra -Werror)

add_executable(corpus_roundtrip
  driver/corpus_main.cpp
  ${corpus_case_sources}
  "${CMAKE_CURRENT_BINARY_DIR}/cases/all_headers_a.cpp"
  "${CMAKE_CURRENT_BINARY_DIR}/cases/all_headers_b.cpp")
target_include_directories(corpus_roundtrip PRIVATE "${corpus_driver_dir}" "${corpus_generated_dir}")
target_link_libraries(corpus_roundtrip PRIVATE corpus_headers_a corpus_headers_b)
target_compile_options(corpus_roundtrip PRIVATE ${corpus_warning_flags})
set_target_properties(corpus_roundtrip PROPERTIES CXX_STANDARD 17 CXX_EXTENSIONS OFF)
# Each round-trip unit pays for nlohmann/json and the driver; batching them keeps the build short.
# The all-headers units stay separate translation units: linking the two is the ODR check.
set_target_properties(corpus_roundtrip PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
set_source_files_properties(driver/corpus_main.cpp "${CMAKE_CURRENT_BINARY_DIR}/cases/all_headers_a.cpp"
  "${CMAKE_CURRENT_BINARY_DIR}/cases/all_headers_b.cpp" PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)

foreach(name IN LISTS corpus_case_names)
  set(skip "${corpus_known_failing_cases}")
  list(FILTER skip INCLUDE REGEX "^${name}/")
  list(TRANSFORM skip REPLACE "^${name}/" "")
  add_test(NAME "corpus.roundtrip.${name}"
    COMMAND corpus_roundtrip "${name}" "${CMAKE_CURRENT_SOURCE_DIR}/${name}" "${CMAKE_CURRENT_SOURCE_DIR}/${name}.schema.json" ${skip})
  set_tests_properties("corpus.roundtrip.${name}" PROPERTIES TIMEOUT 60)
endforeach()

# clang++-14: every round-trip unit (generated header first, so the header compiles alone) and
# the all-headers unit, syntax and semantics only (-fsyntax-only instantiates every template).
find_program(SCHEMAFORGE_CLANGXX NAMES clang++-14)
if(SCHEMAFORGE_CLANGXX)
  get_target_property(nlohmann_includes nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
  set(clang_includes "")
  foreach(dir IN LISTS nlohmann_includes)
    # The compiler's own system directory must not be re-added with -I (it reorders #include_next).
    if(NOT dir MATCHES "^/usr(/local)?/include/?$")
      list(APPEND clang_includes "-I${dir}")
    endif()
  endforeach()
  foreach(name IN LISTS corpus_case_names)
    if(name IN_LIST corpus_namespace_b_cases)
      set(header_dir "${corpus_generated_dir}/b")
    else()
      set(header_dir "${corpus_generated_dir}/a")
    endif()
    add_test(NAME "corpus.clang.${name}"
      COMMAND "${SCHEMAFORGE_CLANGXX}" -std=c++17 ${corpus_warning_flags} -fsyntax-only
        "-I${header_dir}" "-I${corpus_driver_dir}" ${clang_includes}
        "${CMAKE_CURRENT_BINARY_DIR}/cases/roundtrip_${name}.cpp")
    set_tests_properties("corpus.clang.${name}" PROPERTIES TIMEOUT 120)
  endforeach()
  add_test(NAME "corpus.clang.all_headers"
    COMMAND "${SCHEMAFORGE_CLANGXX}" -std=c++17 ${corpus_warning_flags} -fsyntax-only
      "-I${corpus_generated_dir}" ${clang_includes} "${CMAKE_CURRENT_BINARY_DIR}/cases/all_headers_a.cpp")
  set_tests_properties("corpus.clang.all_headers" PROPERTIES TIMEOUT 120)
else()
  message(STATUS "schemaforge corpus: clang++-14 not found, the clang compile checks are skipped")
endif()

# Named contract checks (one TEST_CASE per quicktype fault from issue 4) on corpus headers, plus
# the same schemas generated into two more namespaces (one nested) and route_plan under a file
# name that differs from its title.
set(contract_schemas payment probe_union_a probe_union_b)
set(contract_ns1 "")
foreach(name IN LISTS contract_schemas)
  list(APPEND contract_ns1 "${CMAKE_CURRENT_SOURCE_DIR}/${name}.schema.json")
endforeach()
configure_file(route_plan.schema.json "${CMAKE_CURRENT_BINARY_DIR}/renamed/zz_not_the_title.json" COPYONLY)
schemaforge_add_test(unit-corpus_contract SOURCES unit-corpus_contract.cpp LIBRARIES corpus_headers_a)
schemaforge_generate(unit-corpus_contract SCHEMAS ${contract_ns1} NAMESPACE corpus_ns1 OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/namespaces/ns1")
schemaforge_generate(unit-corpus_contract SCHEMAS ${contract_ns1} NAMESPACE corpus_ns2::nested OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/namespaces/ns2")
schemaforge_generate(unit-corpus_contract SCHEMAS "${CMAKE_CURRENT_BINARY_DIR}/renamed/zz_not_the_title.json" NAMESPACE corpus_renamed
  OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/renamed/out")
target_include_directories(unit-corpus_contract PRIVATE "${corpus_generated_dir}" "${CMAKE_CURRENT_BINARY_DIR}/namespaces")
target_compile_options(unit-corpus_contract PRIVATE ${corpus_warning_flags})
set_target_properties(unit-corpus_contract PROPERTIES CXX_STANDARD 17 CXX_EXTENSIONS OFF)

# The CLI as a user runs it.
schemaforge_add_test(unit-cli_generate SOURCES unit-cli_generate.cpp)
target_compile_definitions(unit-cli_generate PRIVATE SCHEMAFORGE_CLI="$<TARGET_FILE:schemaforge_cli>")
add_dependencies(unit-cli_generate schemaforge_cli)
