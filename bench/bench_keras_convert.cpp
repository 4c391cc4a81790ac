// SPDX-License-Identifier: MIT
// Keras -> ONNX conversion time and peak memory for the seed's ResNet50 + head .h5 (~112 MB): the file
// tools/node/make_seed_resnet50.mjs writes (build/models/seed_resnet50/seed_resnet50.h5), else the one the
// test KerasResNet50.ConvertsFastWithoutTransposes writes (build/keras_resnet50/resnet50_softmax.h5), or the
// file named by KONNX_BENCH_KERAS. Skipped when none exists. Target (issue 4): under 1 s, peak memory under
// 2x the file size; peak_rss_MB is the whole bench process's high-water mark, so run this benchmark alone
// (--benchmark_filter=Keras) for a meaningful number.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>

#include "konnx/convert.hpp"

namespace {

std::string model_path() {
    if (const char* p = std::getenv("KONNX_BENCH_KERAS")) return p;
    const std::string seed = std::string(KONNX_BENCH_BINARY_DIR) + "/models/seed_resnet50/seed_resnet50.h5";
    if (std::filesystem::exists(seed)) return seed;
    return std::string(KONNX_BENCH_BINARY_DIR) + "/keras_resnet50/resnet50_softmax.h5";
}

void BM_ConvertKeras(benchmark::State& state) {
    const std::string path = model_path();
    if (!std::filesystem::exists(path)) {
        state.SkipWithError(
            ("no model at " + path + " (node tools/node/make_seed_resnet50.mjs, or run the KerasResNet50 test first)")
                .c_str());
        return;
    }
    int64_t bytes = 0;
    for (auto _ : state) {
        auto r = konnx::convert_keras(path);
        bytes = static_cast<int64_t>(r.onnx_bytes.size());
        benchmark::DoNotOptimize(r.onnx_bytes.data());
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double file_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    state.counters["h5_MB"] = file_mb;
    state.counters["onnx_MB"] = static_cast<double>(bytes) / 1e6;
    state.counters["peak_rss_MB"] = static_cast<double>(usage.ru_maxrss) / 1e3;  // in-memory: holds the ONNX too
}
BENCHMARK(BM_ConvertKeras)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
