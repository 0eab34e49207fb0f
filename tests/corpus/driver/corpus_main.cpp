// SPDX-License-Identifier: MIT
// corpus_roundtrip <name> <case-dir> <schema-file> [<skipped case file>...]: runs one corpus
// schema's round-trip case, leaving out the listed known-failing files ("invalid/x.json").
#include "corpus_driver.hpp"

#include <iostream>

namespace corpus {
std::map<std::string, case_function>& registry() {
  static std::map<std::string, case_function> cases;
  return cases;
}
int all_headers_a();
int all_headers_b();
}  // namespace corpus

int main(int argc, char** argv) {
  // The all-headers translation units are linked in to prove that every header can share a
  // program with the others (inline definitions only); calling them keeps them referenced.
  if (corpus::all_headers_a() != corpus::all_headers_b()) return 3;
  if (argc < 4) {
    std::cerr << "usage: corpus_roundtrip <name> <case-dir> <schema-file> [<skipped case file>...]\n";
    return 2;
  }
  auto found = corpus::registry().find(argv[1]);
  if (found == corpus::registry().end()) {
    std::cerr << "corpus_roundtrip: no case named " << argv[1] << " (is it in the known-failing list?)\n";
    return 2;
  }
  try {
    return found->second(argv[2], argv[3], std::vector<std::string>(argv + 4, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "corpus_roundtrip: " << e.what() << '\n';
    return 1;
  }
}
