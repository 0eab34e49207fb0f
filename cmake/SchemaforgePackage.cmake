# SPDX-License-Identifier: MIT
# CPack: `cpack -G DEB` in the build directory makes schemaforge_<version>_<arch>.deb, installing
# under /usr the same layout as `cmake --install`.
set(CPACK_PACKAGE_NAME schemaforge)
set(CPACK_PACKAGE_VENDOR "schemaforge")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "JSON Schema -> C++ headers (CLI and CMake build step), and an async C++ library that structures text into those types with OpenAI-compatible endpoints.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "schemaforge maintainers")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The CLI's shared libraries are found by dpkg-shlibdeps; the static libraries and the headers need
# the development packages a consumer compiles and links against (see schemaforgeConfig.cmake).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4-openssl-dev, nlohmann-json3-dev (>= 3.11), libboost1.81-dev, libfmt-dev, cmake (>= 3.25)")
include(CPack)
