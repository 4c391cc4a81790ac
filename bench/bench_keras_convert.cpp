// SPDX-License-Identifier: MIT
// Keras -> ONNX conversion time. The model is the seed's ResNet50 + head .h5 that the test
// KerasResNet50.ConvertsFastWithoutTransposes writes (build/keras_resnet50/resnet50_softmax.h5), or the file
// named by KONNX_BENCH_KERAS. Skipped when neither exists.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "konnx/convert.hpp"

namespace {

std::string model_path() {
    if (const char* p = std::getenv("KONNX_BENCH_KERAS")) return p;
    return std::string(KONNX_BENCH_BINARY_DIR) + "/keras_resnet50/resnet50_softmax.h5";
}

void BM_ConvertKeras(benchmark::State& state) {
    const std::string path = model_path();
    if (!std::filesystem::exists(path)) {
        state.SkipWithError(("no model at " + path + " (run the KerasResNet50 test first)").c_str());
        return;
    }
    int64_t bytes = 0;
    for (auto _ : state) {
        auto r = konnx::convert_keras(path);
        bytes = static_cast<int64_t>(r.onnx_bytes.size());
        benchmark::DoNotOptimize(r.onnx_bytes.data());
    }
    state.counters["onnx_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_ConvertKeras)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
