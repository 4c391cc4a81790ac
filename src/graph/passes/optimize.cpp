// SPDX-License-Identifier: MIT
#include "graph/passes/passes.hpp"

namespace konnx::graph {

void optimize(Model& model, int level) {
    if (level < 1) return;
    remove_identities(model);
    cancel_transposes(model);
    fold_batchnorm(model);
}

}  // namespace konnx::graph
