# SPDX-License-Identifier: MIT
# Every dependency is a Debian 12 package installed by scripts/setup.
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CURL REQUIRED)
find_package(Boost 1.81 REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)

# Header-only packages without CMake config files on Debian.
find_path(SCHEMAFORGE_VALIJSON_INCLUDE_DIR valijson/validator.hpp REQUIRED)
find_path(SCHEMAFORGE_CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
