// SPDX-License-Identifier: MIT
// GlobalMaxPool (ONNX opset 1): the maximum of each N*C plane; [N, C, ...] -> [N, C, 1, ...].
#include <limits>

#include "core/dispatch.hpp"
#include "ops/support/nn_global_pool.hpp"

namespace konnx::ops {
namespace {

std::unique_ptr<Kernel> make(const KernelInit&) {
    return make_kernel([](const KernelRun& r) {
        dispatch<float, double>(r.in(0).dtype(), [&]<class T>() {
            global_pool<T>(r.in(0), r.out(0), [](const T* x, int64_t n) {
                T best = std::numeric_limits<T>::lowest();
                for (int64_t i = 0; i < n; ++i)
                    best = x[i] > best ? x[i] : best;
                return best;
            });
        });
    });
}

}  // namespace

void register_global_max_pool(OpRegistry& registry) {
    registry.add({.name = "GlobalMaxPool",
                  .since_version = 1,
                  .infer = infer_global_pool,
                  .make_kernel = make,
                  .cost = streaming_cost});
}

}  // namespace konnx::ops
