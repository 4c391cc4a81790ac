// SPDX-License-Identifier: MIT
// konnx's shape/type functions against ONNX's own shape inference (onnx::shape_inference::InferShapes from
// libonnx-dev) on every ONNX backend test model (node, pytorch-converted, pytorch-operator, simple): the plan built for
// the case's first input set records each value's inferred dtype and shape; ONNX infers the same values from the
// model's declared input types. Every value both sides know is compared (dtype, rank, and each dim ONNX knows); a
// disagreement fails the test unless its case is listed, with the reason, in shape_inference_exceptions.txt.
#include <gtest/gtest.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "core/shape.hpp"
#include "onnx/model_io.hpp"
#include "runtime/plan.hpp"

namespace fs = std::filesystem;
using namespace konnx;

namespace {

const fs::path kTestData = "/usr/share/libonnx-testdata/data";

std::set<std::string> read_exceptions() {
    std::set<std::string> out;
    std::ifstream in(fs::path(KONNX_SOURCE_DIR) / "tests/onnx_backend/shape_inference_exceptions.txt");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line.substr(0, line.find('#')));
        std::string name;
        if (fields >> name) out.insert(name);
    }
    return out;
}

// ONNX's inferred type of every value it knows, by name.
std::map<std::string, onnx::TypeProto> onnx_types(const fs::path& model_path) {
    onnx::ModelProto proto;
    std::ifstream in(model_path, std::ios::binary);
    if (!proto.ParseFromIstream(&in)) return {};
    // The test models declare their outputs' types: drop them so that ONNX has to infer them.
    for (auto& output : *proto.mutable_graph()->mutable_output())
        output.clear_type();
    proto.mutable_graph()->clear_value_info();
    onnx::ShapeInferenceOptions options(false, 0, true);
    onnx::shape_inference::InferShapes(proto, onnx::OpSchemaRegistry::Instance(), options);
    std::map<std::string, onnx::TypeProto> types;
    for (const auto* list : {&proto.graph().value_info(), &proto.graph().output()})
        for (const auto& v : *list)
            types[v.name()] = v.type();
    return types;
}

// "" when konnx's (dtype, shape) agrees with ONNX's type, else the difference.
std::string difference(const runtime::PlanValue& v, const onnx::TypeProto& type) {
    const auto& t = type.tensor_type();
    if (t.elem_type() != 0 && t.elem_type() != static_cast<int>(v.dtype))
        return cat("dtype ", dtype_name(v.dtype), " vs ONNX ", dtype_name(static_cast<DType>(t.elem_type())));
    if (!t.has_shape()) return "";
    if (t.shape().dim_size() != static_cast<int>(v.shape.size()))
        return cat("shape ", shape_str(v.shape), " vs ONNX rank ", t.shape().dim_size());
    for (int d = 0; d < t.shape().dim_size(); ++d)
        if (t.shape().dim(d).has_dim_value() && t.shape().dim(d).dim_value() != v.shape[static_cast<std::size_t>(d)])
            return cat("shape ", shape_str(v.shape), " vs ONNX dim ", d, " = ", t.shape().dim(d).dim_value());
    return "";
}

// ONNX knows the element type and every dim.
bool fully_known(const onnx::TypeProto& type) {
    const auto& t = type.tensor_type();
    if (!t.has_shape()) return false;
    return std::all_of(t.shape().dim().begin(), t.shape().dim().end(),
                       [](const onnx::TensorShapeProto::Dimension& d) { return d.has_dim_value(); });
}

struct Counts {
    int cases = 0, planned = 0, with_constant_inputs = 0, dynamic = 0, not_loaded = 0, values = 0, agree = 0,
        agree_full = 0, onnx_unknown = 0, excepted = 0;
};

}  // namespace

TEST(ShapeInference, AgreesWithOnnxShapeInferenceOnOnnxTestModels) {
    if (!fs::exists(kTestData / "node"))
        GTEST_SKIP() << "ONNX test data not found at " << kTestData << " (install libonnx-testdata)";
    const std::set<std::string> exceptions = read_exceptions();
    std::vector<fs::path> cases;
    for (const char* folder : {"node", "pytorch-converted", "pytorch-operator", "simple"}) {
        if (!fs::exists(kTestData / folder)) continue;
        for (const auto& e : fs::directory_iterator(kTestData / folder))
            if (fs::exists(e.path() / "model.onnx") && fs::exists(e.path() / "test_data_set_0"))
                cases.push_back(e.path());
    }
    std::sort(cases.begin(), cases.end());
    Counts n;
    std::vector<std::string> disagreements;
    for (const auto& dir : cases) {
        ++n.cases;
        const std::string name = dir.parent_path().filename().string() + "/" + dir.filename().string();
        std::unique_ptr<runtime::Plan> plan;
        graph::Model model;
        try {
            model = onnxio::load_model((dir / "model.onnx").string());
            std::vector<Tensor> inputs;
            const auto runtime_inputs = model.graph.runtime_inputs();
            for (std::size_t i = 0; i < runtime_inputs.size(); ++i) {
                const fs::path file = dir / "test_data_set_0" / cat("input_", i, ".pb");
                if (!fs::exists(file)) break;
                Tensor t = onnxio::read_tensor(file.string());
                if (t.dtype() == DType::kUInt16 && runtime_inputs[i]->dtype == DType::kBFloat16) {
                    Tensor retyped = Tensor::empty(DType::kBFloat16, t.shape());  // ONNX 1.12 stores bfloat16 as uint16
                    if (t.nbytes()) std::memcpy(retyped.raw(), t.raw(), t.nbytes());
                    t = retyped;
                }
                inputs.push_back(t);
            }
            if (inputs.size() != runtime_inputs.size()) {
                ++n.not_loaded;
                continue;
            }
            plan = runtime::Plan::build(model, inputs, runtime::PlanOptions{});
            if (!plan) {
                // Shapes depend on input data (Reshape's shape, NonZero, ...): plan again with the case's input
                // data as constants, so every node's infer() still runs (on values ONNX only knows by type).
                for (std::size_t i = 0; i < runtime_inputs.size(); ++i)
                    model.graph.initializers[runtime_inputs[i]->name] = inputs[i];
                plan = runtime::Plan::build(model, {}, runtime::PlanOptions{});
                if (plan) ++n.with_constant_inputs;
            }
        } catch (const Error&) {
            ++n.not_loaded;  // ops or types konnx lacks: the conformance runner reports those
            continue;
        }
        if (!plan) {
            ++n.dynamic;  // shapes depend on data or subgraphs: no plan-time shapes to compare
            continue;
        }
        ++n.planned;
        std::set<std::string> node_outputs;
        for (const auto& node : model.graph.nodes)
            node_outputs.insert(node.outputs.begin(), node.outputs.end());
        std::map<std::string, onnx::TypeProto> types;
        try {
            types = onnx_types(dir / "model.onnx");
        } catch (const std::exception& e) {
            ADD_FAILURE() << name << ": ONNX shape inference threw: " << e.what();
            continue;
        }
        for (const auto& v : plan->values()) {
            if (!node_outputs.count(v.name) || v.kind == runtime::PlanValue::Kind::kUnused) continue;
            ++n.values;
            const auto it = types.find(v.name);
            if (it == types.end() || !it->second.has_tensor_type() || it->second.tensor_type().elem_type() == 0) {
                ++n.onnx_unknown;
                continue;
            }
            const std::string diff = difference(v, it->second);
            if (diff.empty()) {
                ++n.agree;
                if (fully_known(it->second)) ++n.agree_full;
            } else if (exceptions.count(name)) {
                ++n.excepted;
            } else {
                disagreements.push_back(cat(name, " value '", v.name, "': konnx ", diff));
            }
        }
    }
    std::cout << "shape inference vs ONNX: " << n.cases << " cases, " << n.planned << " planned ("
              << n.with_constant_inputs << " with their input data as constants), " << n.dynamic
              << " not plannable (subgraphs), " << n.not_loaded << " not supported; " << n.values
              << " values: " << n.agree << " agree (" << n.agree_full
              << " with every dim known to ONNX, the rest dtype and known dims only), " << n.onnx_unknown
              << " not inferred by ONNX, " << n.excepted << " differ in listed exceptions, " << disagreements.size()
              << " disagree\n";
    for (const auto& d : disagreements)
        ADD_FAILURE() << d;
    EXPECT_GT(n.agree, 1000);
}
