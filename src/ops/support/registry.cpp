// SPDX-License-Identifier: MIT
// Builds the global registry from the generated list of op files (see src/CMakeLists.txt).
#include "ops/support/op.hpp"

namespace konnx::ops {

#define KONNX_OP_FILE(stem) void register_##stem(OpRegistry&);
#include "op_list.inc"
#undef KONNX_OP_FILE

const OpRegistry& OpRegistry::global() {
    static const OpRegistry registry = [] {
        OpRegistry r;
#define KONNX_OP_FILE(stem) register_##stem(r);
#include "op_list.inc"
#undef KONNX_OP_FILE
        return r;
    }();
    return registry;
}

}  // namespace konnx::ops
