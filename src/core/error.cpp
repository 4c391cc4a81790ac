// SPDX-License-Identifier: MIT
#include "core/error.hpp"

#include <algorithm>
#include <cctype>

#include "konnx/version.hpp"

namespace konnx {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument: return "invalid argument";
        case ErrorCode::kInvalidModel: return "invalid model";
        case ErrorCode::kUnsupported: return "unsupported";
        case ErrorCode::kFileNotFound: return "file not found";
        case ErrorCode::kIo: return "I/O error";
        case ErrorCode::kCannotCreate: return "cannot create output";
        case ErrorCode::kLimitExceeded: return "limit exceeded";
        case ErrorCode::kInternal: return "internal error";
    }
    return "error";
}

const char* version() { return KONNX_VERSION_STRING; }

bool ends_with_ci(std::string_view text, std::string_view suffix) {
    if (suffix.size() > text.size()) return false;
    return std::equal(
        suffix.begin(), suffix.end(), text.end() - static_cast<std::ptrdiff_t>(suffix.size()), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        });
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace konnx
