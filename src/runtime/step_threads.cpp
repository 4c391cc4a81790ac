// SPDX-License-Identifier: MIT
#include "runtime/step_threads.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace konnx::runtime {
namespace {

double numel_of(const Shape& s) {
    double n = 1;
    for (int64_t d : s)
        n *= static_cast<double>(std::max<int64_t>(d, 0));
    return n;
}

// Ops whose time is their memory traffic (about one operation per element moved).
bool streams_memory(const std::string& op) {
    static const std::set<std::string> ops{"Reorder",       "MaxPool",   "AveragePool", "GlobalAveragePool",
                                           "GlobalMaxPool", "Relu",      "Add",         "Sub",
                                           "Mul",           "Div",       "Clip",        "Sigmoid",
                                           "Tanh",          "LeakyRelu", "Softmax",     "Flatten",
                                           "Reshape",       "Transpose", "Concat",      "Identity",
                                           "Dropout",       "Squeeze",   "Unsqueeze",   "BatchNormalization"};
    return ops.count(op) > 0;
}

// Serial throughput assumed by the estimate; only the ratio to the threshold below matters.
constexpr double kFlopsPerMicrosecond = 100e3;   // ~100 GFLOP/s: oneDNN fp32 on one AVX-512 core
constexpr double kElementsPerMicrosecond = 2e3;  // ~8 GB/s of float traffic through strided loops
// Parallel pays when half the serial time saves more than waking the other threads costs: ~6 us per
// region on an idle 2-core machine, far more on a busy one. Measured on the shared 2-core machine
// (load 8-12), the Fashion CNN's 4.5 MFLOP conv ran faster on one thread than on two, so the bar is
// 60 us of estimated work.
constexpr double kParallelMicroseconds = 60;

}  // namespace

double estimated_flops(const graph::Node& node, std::span<const ops::ValueFacts> inputs,
                       std::span<const ops::ValueFacts> outputs) {
    const std::string& op = node.op_type;
    const auto in_shape = [&](std::size_t i) -> const Shape* {
        return i < inputs.size() && !node.inputs[i].empty() ? &inputs[i].shape : nullptr;
    };
    const Shape* y = outputs.empty() ? nullptr : &outputs[0].shape;
    if (!y) return -1;
    if (op == "Conv" || op == "FusedConv" || op == "ConvInteger" || op == "ConvTranspose") {
        const Shape* x = in_shape(0);
        const Shape* w = in_shape(1);
        if (!x || !w || w->size() < 3) return -1;
        double per_point = 1;  // multiply-adds per output (input, for ConvTranspose) element
        for (std::size_t d = 1; d < w->size(); ++d)
            per_point *= static_cast<double>(std::max<int64_t>((*w)[d], 0));
        return 2 * per_point * numel_of(op == "ConvTranspose" ? *x : *y);
    }
    if (op == "MatMul" || op == "Gemm" || op == "MatMulInteger") {
        const Shape* a = in_shape(0);
        if (!a || a->empty()) return -1;
        int64_t k = a->back();
        if (op == "Gemm" && a->size() == 2 && node.find_attr("transA") && node.find_attr("transA")->i != 0) k = (*a)[0];
        const double compute = 2 * numel_of(*y) * static_cast<double>(std::max<int64_t>(k, 0));
        // A matrix-vector product (batch 1 through a Dense layer) is bound by reading B, not by its
        // multiplies: MobileNetV2's 1280x1000 classifier streams 5 MB for 2.6 MFLOP, and two cores
        // read it faster than one.
        const Shape* b = in_shape(1);
        const double streamed = numel_of(*a) + (b ? numel_of(*b) : 0) + numel_of(*y);
        return std::max(compute, streamed * (kFlopsPerMicrosecond / kElementsPerMicrosecond));
    }
    if (streams_memory(op)) {
        double elements = numel_of(*y);
        if (const Shape* x = in_shape(0)) elements += numel_of(*x);
        return elements * (kFlopsPerMicrosecond / kElementsPerMicrosecond);
    }
    return -1;
}

int step_thread_count(const graph::Node& node, std::span<const ops::ValueFacts> inputs,
                      std::span<const ops::ValueFacts> outputs, int session_threads) {
    if (session_threads <= 1) return session_threads;
    const double flops = estimated_flops(node, inputs, outputs);
    if (flops < 0) return session_threads;
    return flops / kFlopsPerMicrosecond < kParallelMicroseconds ? 1 : session_threads;
}

}  // namespace konnx::runtime
