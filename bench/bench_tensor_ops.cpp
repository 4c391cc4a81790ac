// SPDX-License-Identifier: MIT
// Microbenchmarks for data-movement ops through a session: bytes moved per second, to compare with
// Identity (a plain memcpy) as the bandwidth ceiling.
#include <benchmark/benchmark.h>

#include "core/shape.hpp"
#include "graph/ir.hpp"
#include "konnx/session.hpp"
#include "onnx/model_io.hpp"

namespace {

using namespace konnx;

// One node over input "x" (float32, `shape`), extra constant inputs given as initializers.
Session single(const std::string& op, const Shape& shape, std::vector<std::pair<std::string, Tensor>> consts = {},
               std::vector<std::pair<std::string, graph::Attribute>> attrs = {}) {
    graph::Model model;
    model.opsets.push_back({"", 17});
    graph::ValueInfo in{"x", DType::kFloat32, {}, true, ""};
    for (int64_t d : shape)
        in.shape.push_back(Dim{d, ""});
    model.graph.inputs = {in};
    model.graph.outputs = {{"y"}};
    graph::Node node;
    node.op_type = op;
    node.inputs = {"x"};
    for (auto& [name, t] : consts) {
        node.inputs.push_back(name);
        model.graph.initializers[name] = t;
    }
    node.outputs = {"y"};
    node.attributes = std::move(attrs);
    model.graph.nodes.push_back(node);
    const std::string bytes = onnxio::serialize_model(model);
    return Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

graph::Attribute ints(std::vector<int64_t> v) {
    graph::Attribute a;
    a.kind = graph::Attribute::Kind::kInts;
    a.ints = std::move(v);
    return a;
}

Tensor i64(std::vector<int64_t> v) { return Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v); }

void run(benchmark::State& state, Session& session, const Shape& shape, int64_t out_elements) {
    Tensor x = Tensor::zeros(DType::kFloat32, shape);
    for (auto _ : state)
        benchmark::DoNotOptimize(session.run({{"x", x}}));
    state.SetBytesProcessed(state.iterations() * (product(shape) + out_elements) * 4);
}

const Shape kImage{1, 64, 112, 112};

void BM_Identity(benchmark::State& state) {
    auto s = single("Identity", kImage);
    run(state, s, kImage, product(kImage));
}
void BM_TransposeNCHWtoNHWC(benchmark::State& state) {
    auto s = single("Transpose", kImage, {}, {{"perm", ints({0, 2, 3, 1})}});
    run(state, s, kImage, product(kImage));
}
void BM_TransposeInnerBlocks(benchmark::State& state) {
    auto s = single("Transpose", kImage, {}, {{"perm", ints({0, 2, 1, 3})}});
    run(state, s, kImage, product(kImage));
}
void BM_SliceStep1(benchmark::State& state) {
    auto s = single("Slice", kImage, {{"starts", i64({1, 1})}, {"ends", i64({111, 111})}, {"axes", i64({2, 3})}});
    run(state, s, kImage, 64 * 110 * 110);
}
void BM_ResizeNearest2x(benchmark::State& state) {
    auto s = single(
        "Resize", kImage,
        {{"roi", Tensor::from_vector<float>({0}, {})}, {"scales", Tensor::from_vector<float>({4}, {1, 1, 2, 2})}});
    run(state, s, kImage, product(kImage) * 4);
}

}  // namespace

BENCHMARK(BM_Identity);
BENCHMARK(BM_TransposeNCHWtoNHWC);
BENCHMARK(BM_TransposeInnerBlocks);
BENCHMARK(BM_SliceStep1);
BENCHMARK(BM_ResizeNearest2x);
