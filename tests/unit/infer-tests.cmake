# SPDX-License-Identifier: MIT
# Schema inference tests (included from tests/unit/CMakeLists.txt).
schemaforge_add_test(unit_infer
  SOURCES unit-infer-rules.cpp unit-infer-formats.cpp unit-infer-samples.cpp
  LIBRARIES schemaforge::generator)
schemaforge_add_test(unit_infer_property
  SOURCES unit-infer-property.cpp
  LIBRARIES schemaforge::generator schemaforge::runtime)
target_include_directories(unit_infer_property PRIVATE ${SCHEMAFORGE_VALIJSON_INCLUDE_DIR})
schemaforge_add_test(unit_infer_cli
  SOURCES unit-infer-cli.cpp
  LIBRARIES nlohmann_json::nlohmann_json)
target_compile_definitions(unit_infer_cli PRIVATE SCHEMAFORGE_CLI_PATH="$<TARGET_FILE:schemaforge_cli>")
add_dependencies(unit_infer_cli schemaforge_cli)
