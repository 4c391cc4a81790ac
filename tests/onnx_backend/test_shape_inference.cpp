// SPDX-License-Identifier: MIT
// konnx's shape/type functions against ONNX's own shape inference (onnx::shape_inference::InferShapes from
// libonnx-dev) on every ONNX backend node test model: the plan built for the case's first input set records
// each value's inferred dtype and shape; ONNX infers the same values from the model's declared input types.
// Every value both sides know is compared (dtype, rank, and each dim ONNX knows); a disagreement fails the
// test unless its case is listed, with the reason, in shape_inference_exceptions.txt.
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

const fs::path kNodeTests = "/usr/share/libonnx-testdata/data/node";

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

struct Counts {
    int cases = 0, planned = 0, dynamic = 0, not_loaded = 0, values = 0, agree = 0, onnx_unknown = 0, excepted = 0;
};

}  // namespace

TEST(ShapeInference, AgreesWithOnnxShapeInferenceOnNodeTestModels) {
    if (!fs::exists(kNodeTests)) GTEST_SKIP() << "ONNX test data not found at " << kNodeTests
                                              << " (install libonnx-testdata)";
    const std::set<std::string> exceptions = read_exceptions();
    std::vector<fs::path> cases;
    for (const auto& e : fs::directory_iterator(kNodeTests))
        if (fs::exists(e.path() / "model.onnx") && fs::exists(e.path() / "test_data_set_0")) cases.push_back(e.path());
    std::sort(cases.begin(), cases.end());
    Counts n;
    std::vector<std::string> disagreements;
    for (const auto& dir : cases) {
        ++n.cases;
        const std::string name = dir.filename().string();
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
            } else if (exceptions.count(name)) {
                ++n.excepted;
            } else {
                disagreements.push_back(cat(name, " value '", v.name, "': konnx ", diff));
            }
        }
    }
    std::cout << "shape inference vs ONNX: " << n.cases << " node cases, " << n.planned << " planned, " << n.dynamic
              << " dynamic (data-dependent shapes or subgraphs), " << n.not_loaded << " not supported; " << n.values
              << " values: " << n.agree << " agree, " << n.onnx_unknown << " not inferred by ONNX, " << n.excepted
              << " differ in listed exceptions, " << disagreements.size() << " disagree\n";
    for (const auto& d : disagreements)
        ADD_FAILURE() << d;
    EXPECT_GT(n.agree, 1000);
}
