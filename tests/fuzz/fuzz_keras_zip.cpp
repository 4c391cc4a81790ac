// SPDX-License-Identifier: MIT
// Keras 3 .keras zips (libzip, config.json, metadata.json, model.weights.h5 opened as an in-memory HDF5
// image) plus conversion to ONNX, as `konnx convert model.keras` does it.
#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "konnx/convert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = konnx::fuzz::scratch_file(data, size, ".keras");
    try {
        konnx::convert_keras(path);
    } catch (const konnx::Error&) {
    }
    return 0;
}
