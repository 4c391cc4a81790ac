// SPDX-License-Identifier: MIT
// .npy and ONNX TensorProto (.pb) reading, as `konnx run --input NAME=FILE` does (magic picks the reader).
// Property: every tensor that parses survives encode_npy -> parse_npy bit for bit.
#include <cstring>
#include <span>

#include "core/error.hpp"
#include "core/npy.hpp"
#include "onnx/model_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    const bool npy = size >= 6 && std::memcmp(data, "\x93NUMPY", 6) == 0;
    konnx::Tensor t;
    try {
        t = npy ? konnx::parse_npy(bytes) : konnx::onnxio::parse_tensor(bytes);
    } catch (const konnx::Error&) {
        return 0;
    }
    std::string encoded;
    try {
        encoded = konnx::encode_npy(t);
    } catch (const konnx::Error& e) {
        if (e.code() == konnx::ErrorCode::kUnsupported) return 0;  // bfloat16 has no .npy descr
        // A TensorProto may hold any bytes as a string; .npy's 'U' strings are Unicode, so encode_npy refuses
        // bytes that are not UTF-8 with a clear error. That refusal is correct, not a finding.
        if (t.dtype() == konnx::DType::kString && e.code() == konnx::ErrorCode::kInvalidArgument) return 0;
        throw;
    }
    const konnx::Tensor back = konnx::parse_npy(std::as_bytes(std::span(encoded.data(), encoded.size())));
    if (back.dtype() != t.dtype() || back.shape() != t.shape() || back.nbytes() != t.nbytes() ||
        (t.nbytes() && std::memcmp(back.raw(), t.raw(), t.nbytes()) != 0))
        __builtin_trap();  // the .npy round trip lost data
    return 0;
}
