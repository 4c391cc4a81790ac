// SPDX-License-Identifier: MIT
// Small string helpers (GCC 12 has no std::format).
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace konnx {

/// Concatenates anything streamable: cat("node '", name, "' has ", n, " inputs").
template <class... Args>
std::string cat(const Args&... args) {
    std::ostringstream out;
    (out << ... << args);
    return out.str();
}

/// "a, b, c"
template <class Range>
std::string join(const Range& items, std::string_view sep = ", ") {
    std::ostringstream out;
    bool first = true;
    for (const auto& item : items) {
        if (!first) out << sep;
        out << item;
        first = false;
    }
    return out.str();
}

/// "[1,3,224,224]"
template <class Ints>
std::string shape_str(const Ints& dims) {
    return "[" + join(dims, ",") + "]";
}

bool ends_with_ci(std::string_view text, std::string_view suffix);
std::string to_lower(std::string_view text);

}  // namespace konnx
