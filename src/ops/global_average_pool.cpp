// SPDX-License-Identifier: MIT
// GlobalAveragePool (ONNX opset 1): the mean of each N*C plane; [N, C, ...] -> [N, C, 1, ...].
#include "core/dispatch.hpp"
#include "ops/support/nn_global_pool.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            global_pool<T>(r.in(0), r.out(0), [](const T* x, int64_t n) {
                T sum = 0;
                for (int64_t i = 0; i < n; ++i)
                    sum += x[i];
                return n > 0 ? sum / static_cast<T>(n) : T(0);
            });
        });
    });
}

}  // namespace

void register_global_average_pool(OpRegistry& registry) {
    registry.add({.name = "GlobalAveragePool",
                  .since_version = 1,
                  .infer = infer_global_pool,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
