// SPDX-License-Identifier: MIT
// Convolution throughput: a ResNet-50 3x3 conv (1x64x56x56 -> 64, pad 1) and a 1x1 conv
// (1x64x56x56 -> 256), through a Session (constant weights, as in real models) at optimization
// levels 2 (oneDNN) and 0 (reference), and straight on the oneDNN bridge with plain vs oneDNN-chosen
// activation layouts, and with the layouts graph::propagate_layouts gives (blocked in and out, no
// reorders) plus the fused epilogues (bias + ReLU, bias + residual add + ReLU). A MobileNetV2
// depthwise 3x3 (144 channels) is the third shape. Reports FLOPS (2 * MACs per wall-clock second).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "graph/ir.hpp"
#include "kernels/onednn/conv.hpp"
#include "konnx/session.hpp"
#include "onnx/model_io.hpp"

namespace {

using namespace konnx;

struct ConvSpec {
    int64_t c, h, w, m, k, groups = 1;
};
// ResNet50's 3x3 convolutions per stage (layer1 first), a 1x1 and MobileNetV2's depthwise 3x3.
constexpr ConvSpec kSpecs[] = {{64, 56, 56, 64, 3},   {64, 56, 56, 256, 1},  {144, 56, 56, 144, 3, 144},
                               {128, 28, 28, 128, 3}, {256, 14, 14, 256, 3}, {512, 7, 7, 512, 3}};

double flops(const ConvSpec& s) { return 2.0 * s.c / s.groups * s.m * s.k * s.k * s.h * s.w; }

std::vector<float> random_values(int64_t n) {
    std::vector<float> v(static_cast<std::size_t>(n));
    std::mt19937 gen(42);
    std::uniform_real_distribution<float> dist(-1, 1);
    for (float& x : v)
        x = dist(gen);
    return v;
}

void set_flops(benchmark::State& state, const ConvSpec& s) {
    state.counters["FLOPS"] = benchmark::Counter(flops(s), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ConvSession(benchmark::State& state) {
    const ConvSpec& s = kSpecs[state.range(0)];
    graph::Model model;
    model.opsets.push_back({"", 17});
    model.graph.inputs = {{"x", DType::kFloat32, {Dim{1, ""}, Dim{s.c, ""}, Dim{s.h, ""}, Dim{s.w, ""}}, true, ""}};
    model.graph.outputs = {{"y"}};
    model.graph.initializers["w"] =
        Tensor::from_vector<float>({s.m, s.c / s.groups, s.k, s.k}, random_values(s.m * s.c / s.groups * s.k * s.k));
    model.graph.initializers["b"] = Tensor::from_vector<float>({s.m}, random_values(s.m));
    graph::Node node;
    node.op_type = "Conv";
    node.inputs = {"x", "w", "b"};
    node.outputs = {"y"};
    const int64_t pad = s.k / 2;
    node.set_attr("pads", graph::Attribute::of_ints({pad, pad, pad, pad}));
    node.set_attr("group", graph::Attribute::of_int(s.groups));
    model.graph.nodes.push_back(node);
    const std::string bytes = onnxio::serialize_model(model);
    SessionOptions options;
    options.optimization_level = static_cast<int>(state.range(1));
    Session session = Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
    Tensor x = Tensor::from_vector<float>({1, s.c, s.h, s.w}, random_values(s.c * s.h * s.w));
    for (auto _ : state)
        benchmark::DoNotOptimize(session.run({{"x", x}}));
    set_flops(state, s);
}
// args: spec (0 = 3x3, 1 = 1x1, 2 = depthwise 3x3), optimization level
BENCHMARK(BM_ConvSession)
    ->Args({0, 2})
    ->Args({1, 2})
    ->Args({2, 2})
    ->Args({0, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

void BM_ConvOneDnn(benchmark::State& state) {
    namespace dnn = kernels::onednn;
    const ConvSpec& s = kSpecs[state.range(0)];
    dnn::ConvParams p;
    p.in_channels = s.c;
    p.out_channels = s.m;
    p.groups = s.groups;
    p.in = {s.h, s.w};
    p.out = {s.h, s.w};
    p.kernel = {s.k, s.k};
    p.stride = {1, 1};
    p.dilation = {1, 1};
    p.pad_begin = p.pad_end = {s.k / 2, s.k / 2};
    p.has_bias = true;
    const int64_t layout = state.range(1), epilogue = state.range(2);
    if (epilogue >= 1) p.post_sum.push_back({dnnl::algorithm::eltwise_relu});
    p.has_sum = epilogue == 2;
    const auto padded = [&](int64_t ch) { return (ch + 15) / 16 * 16; };  // room for blocked channel padding
    const std::vector<float> w = random_values(s.m * s.c / s.groups * s.k * s.k), b = random_values(s.m),
                             x = random_values(padded(s.c) * s.h * s.w), z = random_values(padded(s.m) * s.h * s.w);
    std::vector<float> y(static_cast<std::size_t>(padded(s.m) * s.h * s.w));
    const dnn::Layout layouts[] = {dnn::Layout::kPlain, dnn::Layout::kAuto, dnn::Layout::kGiven, dnn::Layout::kGiven};
    p.winograd = layout == 3;
    const auto given = layout == 3 ? dnn::ActivationLayout::kBlocked16 : dnn::preferred_activation_layout();
    const dnn::Conv conv(p, w.data(), layouts[layout], given, given);
    std::vector<std::byte> scratch(conv.scratch_bytes() + 64);
    auto* aligned = reinterpret_cast<std::byte*>((reinterpret_cast<std::uintptr_t>(scratch.data()) + 63) / 64 * 64);
    for (auto _ : state)
        conv.run(x.data(), nullptr, b.data(), z.data(), y.data(), {aligned, conv.scratch_bytes()});
    set_flops(state, s);
    state.SetLabel(conv.impl_name());
}
// args: spec, layout (0 = plain NCHW in the primitive, 1 = oneDNN's choice with reorders, 2 = oneDNN's
// preferred layout in and out, as propagate_layouts sets it, 3 = nChw16c with Winograd), epilogue (0 = bias, 1 = bias +
// ReLU, 2 = bias + residual add + ReLU)
BENCHMARK(BM_ConvOneDnn)
    ->Args({0, 0, 0})
    ->Args({0, 1, 0})
    ->Args({0, 2, 0})
    ->Args({0, 2, 1})
    ->Args({0, 2, 2})
    ->Args({0, 3, 0})
    ->Args({0, 3, 1})
    ->Args({1, 0, 0})
    ->Args({1, 1, 0})
    ->Args({1, 2, 0})
    ->Args({1, 2, 2})
    ->Args({2, 1, 0})
    ->Args({2, 2, 1})
    ->Args({3, 2, 1})
    ->Args({3, 3, 1})
    ->Args({4, 2, 1})
    ->Args({4, 3, 1})
    ->Args({5, 2, 1})
    ->Args({5, 3, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

}  // namespace
