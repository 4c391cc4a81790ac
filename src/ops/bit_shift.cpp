// SPDX-License-Identifier: MIT
// BitShift (ONNX opset 11): numpy-broadcast x << y or x >> y on unsigned integers, per `direction` ("LEFT" or
// "RIGHT", required). Shifts by the type's width or more give 0 (numpy's result) rather than C's undefined value.
#include <string>

#include "ops/support/elementwise_math.hpp"

namespace konnx::ops {
namespace {

using UnsignedTypes = TypeList<uint8_t, uint16_t, uint32_t, uint64_t>;

void infer(InferContext& ctx) {
    const std::string dir = ctx.attr_string("direction", "");
    ctx.check(dir == "LEFT" || dir == "RIGHT", "direction must be \"LEFT\" or \"RIGHT\", got \"", dir, "\"");
    infer_binary_same<UnsignedTypes>(ctx);
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    if (init.attr_string("direction", "") == "LEFT")
        return make_binary_kernel<UnsignedTypes>(init, [](auto a, auto b) {
            using V = decltype(a);
            return b >= sizeof(V) * 8 ? V(0) : static_cast<V>(a << b);
        });
    return make_binary_kernel<UnsignedTypes>(init, [](auto a, auto b) {
        using V = decltype(a);
        return b >= sizeof(V) * 8 ? V(0) : static_cast<V>(a >> b);
    });
}

}  // namespace

void register_bit_shift(OpRegistry& registry) {
    registry.add({.name = "BitShift", .since_version = 11, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
