// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>

namespace schemaforge::gen::mustache {

// Tidies the whole lines (each ended by '\n') in text[from, end) in place: trailing blanks go, and
// a blank line that follows a blank line goes. `previous_blank` says whether the line before
// `from` was blank, and is left saying it of the last line. Applied line by line as a header is
// rendered, it gives what one pass over the finished text gives, without that pass.
void tidy_lines(std::string& text, std::size_t from, bool& previous_blank);

}  // namespace schemaforge::gen::mustache
