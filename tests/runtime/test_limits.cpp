// SPDX-License-Identifier: MIT
// Hostile ONNX files: every limit is checked before allocating and fails with a konnx::Error that names the
// problem. Models are written as raw ModelProtos (what an attacker controls), then loaded like a file.
// Sanitizer builds make the "before allocating" part observable: an attempted multi-terabyte allocation
// aborts the test under ASan instead of failing softly.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>

#include "konnx/session.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace konnx;

namespace {

onnx::ModelProto base_model(int opset = 13) {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(opset);
    m.mutable_graph()->set_name("hostile");
    return m;
}

void add_value(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name, int elem_type,
               const std::vector<int64_t>& dims, bool has_shape = true) {
    auto* v = list->Add();
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem_type);
    if (!has_shape) return;
    auto* shape = tt->mutable_shape();
    for (int64_t d : dims) {
        if (d >= 0)
            shape->add_dim()->set_dim_value(d);
        else
            shape->add_dim()->set_dim_param("N");
    }
}

onnx::NodeProto* add_node(onnx::ModelProto& m, const std::string& op, std::vector<std::string> in,
                          std::vector<std::string> out) {
    auto* n = m.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(op + "_" + out[0]);
    for (const auto& s : in)
        n->add_input(s);
    for (const auto& s : out)
        n->add_output(s);
    return n;
}

onnx::TensorProto* add_initializer(onnx::ModelProto& m, const std::string& name, int elem_type,
                                   const std::vector<int64_t>& dims) {
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(elem_type);
    for (int64_t d : dims)
        t->add_dims(d);
    return t;
}

Error load_error(const onnx::ModelProto& m, const SessionOptions& options = {}) {
    const std::string bytes = m.SerializeAsString();
    try {
        Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
    } catch (const Error& e) {
        return e;
    }
    return Error(ErrorCode::kInternal, "<loaded without an error>");
}

::testing::AssertionResult fails_with(const Error& e, ErrorCode code, const std::string& needle) {
    if (e.code() != code || std::string(e.what()).find(needle) == std::string::npos)
        return ::testing::AssertionFailure() << "code " << error_code_name(e.code()) << ", message: " << e.what();
    return ::testing::AssertionSuccess();
}

constexpr int kFloat = onnx::TensorProto::FLOAT, kInt64 = onnx::TensorProto::INT64;

}  // namespace

TEST(Limits, ElementCountOverflowIsRefusedBeforeAllocating) {
    auto m = base_model();
    add_initializer(m, "huge", kFloat, {int64_t{1} << 40, int64_t{1} << 40})->add_float_data(1.f);
    add_value(m.mutable_graph()->mutable_output(), "huge", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(m), ErrorCode::kLimitExceeded, "tensor 'huge'"));

    auto neg = base_model();
    add_initializer(neg, "neg", kFloat, {-4})->add_float_data(1.f);
    add_value(neg.mutable_graph()->mutable_output(), "neg", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(neg), ErrorCode::kInvalidModel, "negative dimension"));
}

TEST(Limits, AbsurdRanksAreRefused) {
    auto m = base_model();
    add_initializer(m, "deep", kFloat, std::vector<int64_t>(40, 1))->add_float_data(1.f);
    add_value(m.mutable_graph()->mutable_output(), "deep", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(m), ErrorCode::kLimitExceeded, "rank 40"));

    // A declared input of rank 1000: planning at load must refuse it, not build a 1000-deep loop nest.
    auto in = base_model();
    add_value(in.mutable_graph()->mutable_input(), "x", kFloat, std::vector<int64_t>(1000, 1));
    add_node(in, "Relu", {"x"}, {"y"});
    add_value(in.mutable_graph()->mutable_output(), "y", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(in), ErrorCode::kLimitExceeded, "rank"));
}

TEST(Limits, MemoryBudgetIsEnforcedForPlansOutputsAndFoldedConstants) {
    // Relu over float[1024, 1024]: 4 MiB of output; the arena and outputs are counted.
    auto m = base_model();
    add_value(m.mutable_graph()->mutable_input(), "x", kFloat, {1024, 1024});
    add_node(m, "Relu", {"x"}, {"y"});
    add_value(m.mutable_graph()->mutable_output(), "y", kFloat, {1024, 1024});
    SessionOptions small;
    small.memory_budget_bytes = 1 << 20;
    EXPECT_TRUE(fails_with(load_error(m, small), ErrorCode::kLimitExceeded, "memory budget"));
    const std::string bytes = m.SerializeAsString();
    SessionOptions roomy;
    roomy.memory_budget_bytes = 64 << 20;
    const Session ok = Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), roomy);
    const Tensor y =
        ok.run({{"x", Tensor::from_vector<float>({1024, 1024}, std::vector<float>(1024 * 1024, -2.f))}})[0];
    EXPECT_EQ(y.data<float>()[12345], 0.f);  // relu(-2) = 0

    // ConstantOfShape([65536, 65536]) of float: 16 GiB folded at load unless the budget stops it first.
    auto bomb = base_model();
    auto* shape = add_initializer(bomb, "shape", kInt64, {2});
    shape->add_int64_data(65536);
    shape->add_int64_data(65536);
    add_node(bomb, "ConstantOfShape", {"shape"}, {"big"});
    add_value(bomb.mutable_graph()->mutable_output(), "big", kFloat, {});
    SessionOptions budget;
    budget.memory_budget_bytes = int64_t{64} << 20;
    EXPECT_TRUE(fails_with(load_error(bomb, budget), ErrorCode::kLimitExceeded, "memory budget"));
}

TEST(Limits, MemoryBudgetHoldsInDynamicMode) {
    // NonZero has a data-dependent shape, so this model runs in the dynamic executor.
    auto m = base_model();
    add_value(m.mutable_graph()->mutable_input(), "x", kFloat, {-1});
    add_node(m, "NonZero", {"x"}, {"nz"});
    add_node(m, "Cast", {"nz"}, {"y"})->add_attribute()->CopyFrom([] {
        onnx::AttributeProto a;
        a.set_name("to");
        a.set_type(onnx::AttributeProto::INT);
        a.set_i(onnx::TensorProto::FLOAT);
        return a;
    }());
    add_value(m.mutable_graph()->mutable_output(), "y", kFloat, {});
    const std::string bytes = m.SerializeAsString();
    SessionOptions options;
    options.memory_budget_bytes = 1 << 20;
    const Session session = Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), options);
    // 4 non-zeros: indices [1, 4] -> fine.
    const Tensor small = session.run({{"x", Tensor::from_vector<float>({6}, {0, 1, 0, 2, 3, 4})}})[0];
    EXPECT_EQ(small.to_vector<float>(), (std::vector<float>{1, 3, 4, 5}));
    // 2^18 non-zeros: 2 MiB of int64 indices alone, over the 1 MiB budget.
    try {
        session.run(
            {{"x", Tensor::from_vector<float>({int64_t{1} << 18}, std::vector<float>(std::size_t{1} << 18, 1.f))}});
        FAIL() << "ran past the memory budget";
    } catch (const Error& e) {
        EXPECT_TRUE(fails_with(e, ErrorCode::kLimitExceeded, "memory budget"));
    }
}

TEST(Limits, HugeAttributeArraysAreErrors) {
    // Transpose with a 100000-entry perm on a rank-2 input, Conv with 100000 pads: load errors, no crash.
    auto t = base_model();
    add_value(t.mutable_graph()->mutable_input(), "x", kFloat, {2, 3});
    auto* perm = add_node(t, "Transpose", {"x"}, {"y"})->add_attribute();
    perm->set_name("perm");
    perm->set_type(onnx::AttributeProto::INTS);
    for (int i = 0; i < 100000; ++i)
        perm->add_ints(i);
    add_value(t.mutable_graph()->mutable_output(), "y", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(t), ErrorCode::kInvalidModel, "Transpose"));

    auto c = base_model();
    add_value(c.mutable_graph()->mutable_input(), "x", kFloat, {1, 1, 4, 4});
    add_initializer(c, "w", kFloat, {1, 1, 1, 1})->add_float_data(1.f);
    auto* pads = add_node(c, "Conv", {"x", "w"}, {"y"})->add_attribute();
    pads->set_name("pads");
    pads->set_type(onnx::AttributeProto::INTS);
    for (int i = 0; i < 100000; ++i)
        pads->add_ints(1);
    add_value(c.mutable_graph()->mutable_output(), "y", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(c), ErrorCode::kInvalidModel, "Conv"));
}

TEST(Limits, GraphStructureErrorsAreLoadErrors) {
    auto dup = base_model();
    add_value(dup.mutable_graph()->mutable_input(), "x", kFloat, {2});
    add_node(dup, "Relu", {"x"}, {"y"});
    add_node(dup, "Neg", {"x"}, {"y"});
    add_value(dup.mutable_graph()->mutable_output(), "y", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(dup), ErrorCode::kInvalidModel, "defined more than once"));

    auto twice = base_model();
    add_initializer(twice, "w", kFloat, {1})->add_float_data(1.f);
    add_initializer(twice, "w", kFloat, {1})->add_float_data(2.f);
    add_value(twice.mutable_graph()->mutable_output(), "w", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(twice), ErrorCode::kInvalidModel, "defined twice"));

    auto shadow = base_model();  // a node output that overwrites a graph input
    add_value(shadow.mutable_graph()->mutable_input(), "x", kFloat, {2});
    add_node(shadow, "Relu", {"x"}, {"x"});
    add_value(shadow.mutable_graph()->mutable_output(), "x", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(shadow), ErrorCode::kInvalidModel, "defined more than once"));

    auto dangling = base_model();
    add_value(dangling.mutable_graph()->mutable_input(), "x", kFloat, {2});
    add_node(dangling, "Add", {"x", "nowhere"}, {"y"});
    add_value(dangling.mutable_graph()->mutable_output(), "y", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(dangling), ErrorCode::kInvalidModel, "'nowhere'"));

    auto cycle = base_model();
    add_value(cycle.mutable_graph()->mutable_input(), "x", kFloat, {2});
    add_node(cycle, "Add", {"x", "b"}, {"a"});
    add_node(cycle, "Relu", {"a"}, {"b"});
    add_value(cycle.mutable_graph()->mutable_output(), "b", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(cycle), ErrorCode::kInvalidModel, "cycle"));

    auto missing_out = base_model();
    add_value(missing_out.mutable_graph()->mutable_input(), "x", kFloat, {2});
    add_node(missing_out, "Relu", {"x"}, {"y"});
    add_value(missing_out.mutable_graph()->mutable_output(), "z", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(missing_out), ErrorCode::kInvalidModel, "'z'"));
}

TEST(Limits, TypeMismatchesAreLoadErrors) {
    // Add(float, int64): ONNX requires one type T for both inputs.
    auto m = base_model();
    add_value(m.mutable_graph()->mutable_input(), "x", kFloat, {2});
    auto* w = add_initializer(m, "w", kInt64, {2});
    w->add_int64_data(1);
    w->add_int64_data(2);
    add_node(m, "Add", {"x", "w"}, {"y"});
    add_value(m.mutable_graph()->mutable_output(), "y", kFloat, {});
    const Error e = load_error(m);
    EXPECT_TRUE(fails_with(e, ErrorCode::kInvalidModel, "Add")) << e.what();

    // An initializer whose data does not match its declared shape.
    auto bad = base_model();
    auto* t = add_initializer(bad, "w", kFloat, {3});
    t->add_float_data(1.f);
    add_value(bad.mutable_graph()->mutable_output(), "w", kFloat, {});
    EXPECT_TRUE(fails_with(load_error(bad), ErrorCode::kInvalidModel, "tensor 'w'"));
}

namespace {

/// model.onnx in `dir` with initializer "w" (float[4]) stored as external data at `location`.
std::string external_model(const fs::path& dir, const std::string& location) {
    auto m = base_model();
    auto* w = add_initializer(m, "w", kFloat, {4});
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* entry = w->add_external_data();
    entry->set_key("location");
    entry->set_value(location);
    add_value(m.mutable_graph()->mutable_input(), "x", kFloat, {4});
    add_node(m, "Add", {"x", "w"}, {"y"});
    add_value(m.mutable_graph()->mutable_output(), "y", kFloat, {4});
    const fs::path path = dir / "model.onnx";
    std::ofstream(path, std::ios::binary) << m.SerializeAsString();
    return path.string();
}

void write_floats(const fs::path& path, const std::vector<float>& v) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
}

}  // namespace

TEST(Limits, ExternalDataStaysInsideTheModelFolder) {
    const fs::path root = fs::path(konnx::test::binary_dir()) / "test-tmp" / "limits_external";
    fs::remove_all(root);
    const fs::path dir = root / "model";
    fs::create_directories(dir / "sub");
    write_floats(root / "secret.bin", {9, 9, 9, 9});  // valid data: only the path check can refuse it
    write_floats(dir / "inside.bin", {1, 2, 3, 4});
    write_floats(dir / "sub" / "nested.bin", {5, 6, 7, 8});
    fs::create_symlink("../secret.bin", dir / "link_out.bin");
    fs::create_symlink("inside.bin", dir / "link_in.bin");
    fs::create_directory_symlink("..", dir / "up");

    const Tensor x = Tensor::from_vector<float>({4}, {10, 20, 30, 40});
    auto run = [&](const std::string& location) {
        return Session::open(external_model(dir, location)).run({{"x", x}})[0].to_vector<float>();
    };
    EXPECT_EQ(run("inside.bin"), (std::vector<float>{11, 22, 33, 44}));
    EXPECT_EQ(run("sub/nested.bin"), (std::vector<float>{15, 26, 37, 48}));
    EXPECT_EQ(run("link_in.bin"), (std::vector<float>{11, 22, 33, 44}));  // a symlink that stays inside is fine

    for (const std::string& location :
         std::vector<std::string>{"../secret.bin", "sub/../../secret.bin", (root / "secret.bin").string(),
                                  "link_out.bin", "up/secret.bin", "/etc/hostname"}) {
        try {
            run(location);
            ADD_FAILURE() << "loaded external data from '" << location << "'";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::kInvalidModel) << location << ": " << e.what();
            const std::string what = e.what();
            EXPECT_TRUE(what.find("outside the model's folder") != std::string::npos ||
                        what.find("must be relative") != std::string::npos)
                << location << ": " << what;
        }
    }
    // From bytes there is no folder at all: external data is refused outright.
    const std::string bytes = [&] {
        std::ifstream in(external_model(dir, "inside.bin"), std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }();
    EXPECT_THROW(Session::from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size()))), Error);
}
