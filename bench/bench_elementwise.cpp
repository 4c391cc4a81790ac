// SPDX-License-Identifier: MIT
// Microbenchmark: broadcast Add through a session (per-call overhead + memory bandwidth).
#include <benchmark/benchmark.h>

#include "graph/ir.hpp"
#include "konnx/session.hpp"
#include "onnx/model_io.hpp"

static void BM_SessionAdd(benchmark::State& state) {
    using namespace konnx;
    const int64_t n = state.range(0);
    graph::Model model;
    model.opsets.push_back({"", 17});
    model.graph.inputs = {{"a", DType::kFloat32, {Dim{n, ""}}, true, ""},
                          {"b", DType::kFloat32, {Dim{n, ""}}, true, ""}};
    model.graph.outputs = {{"y"}};
    graph::Node node;
    node.op_type = "Add";
    node.inputs = {"a", "b"};
    node.outputs = {"y"};
    model.graph.nodes.push_back(node);
    const std::string bytes = onnxio::serialize_model(model);
    Session session = Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())));
    Tensor a = Tensor::zeros(DType::kFloat32, {n}), b = Tensor::zeros(DType::kFloat32, {n});
    for (auto _ : state)
        benchmark::DoNotOptimize(session.run({{"a", a}, {"b", b}}));
    state.SetBytesProcessed(state.iterations() * n * 12);
}
BENCHMARK(BM_SessionAdd)->Arg(16)->Arg(1 << 20);
