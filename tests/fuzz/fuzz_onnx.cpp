// SPDX-License-Identifier: MIT
// ONNX model loading (parse, validate, optimize, plan) plus one run on zero inputs, as `konnx run` does.
// A small memory budget and element cap keep iterations fast; exceeding them must be a konnx::Error.
#include <span>

#include "core/error.hpp"
#include "konnx/session.hpp"

using namespace konnx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    SessionOptions options;
    options.threads = 1;
    options.memory_budget_bytes = int64_t{64} << 20;
    try {
        Session session = Session::from_bytes(std::as_bytes(std::span(data, size)), options);
        std::vector<std::pair<std::string, Tensor>> feeds;
        for (const auto& in : session.inputs()) {
            Shape shape;
            int64_t numel = 1;
            for (const Dim& d : in.shape) {
                shape.push_back(d.is_fixed() ? d.size : 1);
                numel *= std::max<int64_t>(shape.back(), 1);
                if (numel > (int64_t{1} << 20)) return 0;  // too big to run quickly; loading was the test
            }
            if (!dtype_is_known(in.dtype) && in.dtype != DType::kUndefined) return 0;
            feeds.emplace_back(in.name,
                               Tensor::zeros(in.dtype == DType::kUndefined ? DType::kFloat32 : in.dtype, shape));
        }
        session.run(feeds);
    } catch (const Error&) {
    }
    return 0;
}
