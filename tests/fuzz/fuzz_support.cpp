// SPDX-License-Identifier: MIT
#include "fuzz_support.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace konnx::fuzz {

std::string scratch_file(const uint8_t* data, std::size_t size, const std::string& suffix) {
    static const std::string dir = [] {
        std::error_code ec;
        if (std::filesystem::is_directory("/dev/shm", ec)) return std::string("/dev/shm");
        const char* tmp = std::getenv("TMPDIR");
        return std::string(tmp ? tmp : "/tmp");
    }();
    const std::string path = dir + "/konnx-fuzz-" + std::to_string(::getpid()) + suffix;
    // Removed when the process ends normally (libFuzzer's fork mode starts many processes).
    struct Remover {
        std::string path;
        ~Remover() { std::remove(path.c_str()); }
    };
    static Remover remover{path};
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();  // the harness itself is broken, not konnx
    if (size && std::fwrite(data, 1, size, f) != size) std::abort();
    std::fclose(f);
    return path;
}

}  // namespace konnx::fuzz
