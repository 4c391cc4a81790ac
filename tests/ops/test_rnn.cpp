// SPDX-License-Identifier: MIT
// RNN / GRU / LSTM against independent references generated at test time by tools/gen_rnn_reference.py:
// PyTorch's nn.LSTM/GRU/RNN (weights reordered into ONNX gate order; pack_padded_sequence for
// sequence_lens) and, for what torch lacks (GRU linear_before_reset=0, peepholes, input_forget, clip,
// other activations, zero-length sequences), a NumPy transcription of the ONNX equations in float64.
// PyTorch (in .venv) makes the references; the ONNX node tests cover the defaults.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/npy.hpp"
#include "core/strings.hpp"
#include "ops/nn_test_helpers.hpp"
#include "support/test_support.hpp"

namespace konnx {
namespace {

namespace fs = std::filesystem;

// Generates the cases once per process into a folder of its own (ctest runs test processes in parallel).
struct ReferenceCases {
    fs::path dir;
    std::string error;
    ReferenceCases() {
        const fs::path out = fs::path(test::binary_dir()) / cat("rnn_reference.", ::getpid());
        fs::remove_all(out);
        const auto result = test::run_command(
            {konnx::test::python(), test::source_dir() + "/tools/gen_rnn_reference.py", out.string()}, 300);
        if (result.exit_code == 0)
            dir = out;
        else
            error = result.err;
    }
    ~ReferenceCases() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

const ReferenceCases& reference_cases() {
    static const ReferenceCases cases;
    return cases;
}

graph::Attribute attribute_of(const nlohmann::json& v) {
    if (v.is_number_integer()) return graph::Attribute::of_int(v.get<int64_t>());
    if (v.is_number()) return graph::Attribute::of_float(v.get<float>());
    if (v.is_string()) return graph::Attribute::of_string(v.get<std::string>());
    if (v.is_array() && !v.empty() && v[0].is_string())
        return graph::Attribute::of_strings(v.get<std::vector<std::string>>());
    return graph::Attribute::of_floats(v.get<std::vector<float>>());
}

void check_case(const std::string& name) {
    const fs::path root = reference_cases().dir;
    ASSERT_FALSE(root.empty()) << "tools/gen_rnn_reference.py failed: " << reference_cases().error;
    const fs::path dir = root / name;
    ASSERT_TRUE(fs::exists(dir / "case.json")) << dir;
    std::ifstream in(dir / "case.json");
    const auto spec = nlohmann::json::parse(in);
    std::vector<Tensor> inputs;
    for (const auto& input : spec["inputs"])
        inputs.push_back(input.get<std::string>().empty()
                             ? Tensor()
                             : read_npy((dir / (input.get<std::string>() + ".npy")).string()));
    std::vector<std::pair<std::string, graph::Attribute>> attrs;
    for (const auto& [key, value] : spec["attrs"].items())
        attrs.emplace_back(key, attribute_of(value));
    const auto& outputs = spec["outputs"];
    // Level 0 and level 2 with every input fed at run time run the reference kernel; constant W, R, B and
    // P (as in converted models) take the optimized path where it applies (ops/support/rnn_fast.cpp).
    for (int run = 0; run < 3; ++run) {
        const int level = run == 0 ? 0 : 2;
        const std::vector<std::size_t> constants =
            run == 2 ? std::vector<std::size_t>{1, 2, 3, 7} : std::vector<std::size_t>{};
        const auto got = test::run_node_with_constants(spec["op"].get<std::string>(), inputs, constants, outputs.size(),
                                                       attrs, level, 14);
        ASSERT_EQ(got.size(), outputs.size());
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            const Tensor want = read_npy((dir / (outputs[i].get<std::string>() + ".npy")).string());
            EXPECT_TRUE(test::tensors_close(got[i], want, 1e-4, 1e-5))
                << name << " output " << outputs[i] << " at optimization level " << level
                << (run == 2 ? " with constant weights" : "");
        }
    }
}

// One test over all cases (one generator run); failures name the case.
TEST(Rnn, MatchesTorchAndNumpyReferences) {
    for (const char* name : {"torch_lstm_forward",
                             "torch_lstm_bidir_lens",
                             "torch_lstm_layout1_bidir_lens",
                             "torch_lstm_reverse",
                             "torch_lstm_nobias_noinit",
                             "torch_lstm_double",
                             "torch_gru_forward",
                             "torch_gru_bidir_lens",
                             "torch_gru_layout1_lens",
                             "torch_gru_reverse_lens",
                             "torch_rnn_tanh_bidir_lens",
                             "torch_rnn_relu_layout1",
                             "torch_rnn_reverse_noinit",
                             "np_gru_lbr0_bidir_lens",
                             "np_lstm_peephole_clip",
                             "np_lstm_input_forget_reverse",
                             "np_lstm_activations",
                             "np_gru_activations",
                             "np_rnn_affine_lens",
                             "np_rnn_defaults_alpha"}) {
        SCOPED_TRACE(name);
        check_case(name);
        if (IsSkipped()) return;
    }
}

Tensor filled(Shape shape, float v = 0.1f) {
    Tensor t = Tensor::empty(DType::kFloat32, std::move(shape));
    std::fill_n(t.data<float>(), t.numel(), v);
    return t;
}

ErrorCode error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return ErrorCode::kInternal;
}

TEST(Rnn, RejectsBadShapesAndAttributes) {
    // W with the wrong gate count for LSTM.
    EXPECT_EQ(error_of([] {
                  test::run_single_node("LSTM", {filled({2, 1, 3}), filled({1, 12, 3}), filled({1, 16, 4})}, 2,
                                        {{"hidden_size", graph::Attribute::of_int(4)}}, 14);
              }),
              ErrorCode::kInvalidModel);
    // Bidirectional needs W for two directions.
    EXPECT_EQ(error_of([] {
                  test::run_single_node("GRU", {filled({2, 1, 3}), filled({1, 6, 3}), filled({1, 6, 2})}, 2,
                                        {{"direction", graph::Attribute::of_string("bidirectional")}}, 14);
              }),
              ErrorCode::kInvalidModel);
    EXPECT_EQ(error_of([] {
                  test::run_single_node("RNN", {filled({2, 1, 3}), filled({1, 2, 3}), filled({1, 2, 2})}, 2,
                                        {{"activations", graph::Attribute::of_strings({"Swish"})}}, 14);
              }),
              ErrorCode::kUnsupported);
    EXPECT_EQ(error_of([] {
                  test::run_single_node("RNN", {filled({2, 1, 3}), filled({1, 2, 3}), filled({1, 2, 2})}, 2,
                                        {{"layout", graph::Attribute::of_int(2)}}, 14);
              }),
              ErrorCode::kInvalidModel);
    // sequence_lens beyond seq_length is a bad run-time input.
    Tensor lens = Tensor::from_vector<int32_t>({1}, {3});
    EXPECT_EQ(error_of([&] {
                  test::run_single_node(
                      "RNN", {filled({2, 1, 3}), filled({1, 2, 3}), filled({1, 2, 2}), Tensor(), lens}, 2, {}, 14);
              }),
              ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace konnx
