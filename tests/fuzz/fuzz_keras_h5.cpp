// SPDX-License-Identifier: MIT
// Keras .h5 reading (HDF5 attributes, model_config JSON, weight datasets) plus conversion to ONNX,
// exactly as `konnx convert model.h5` does it (through a scratch file, since the reader takes a path).
#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "konnx/convert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = konnx::fuzz::scratch_file(data, size, ".h5");
    try {
        konnx::convert_keras(path);
    } catch (const konnx::Error&) {
    }
    return 0;
}
