// SPDX-License-Identifier: MIT
// SVM kernels shared by SVMClassifier and SVMRegressor (ai.onnx.ml 1), as onnxruntime evaluates them in float:
// LINEAR x.v + c, POLY (gamma x.v + coef0)^degree, RBF exp(-gamma |x - v|^2), SIGMOID tanh(gamma x.v + coef0), with
// kernel_params = [gamma, coef0, degree] (all 0 when absent).
#pragma once

#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "ops/support/ml_common.hpp"

namespace konnx::ops::ml {

struct SvmKernel {
    enum class Type { kLinear, kPoly, kRbf, kSigmoid };
    Type type = Type::kLinear;
    float gamma = 0, coef0 = 0, degree = 0;

    explicit SvmKernel(const NodeContext& ctx) {
        const std::string name = ctx.attr_string("kernel_type", "LINEAR");
        if (name == "LINEAR")
            type = Type::kLinear;
        else if (name == "POLY")
            type = Type::kPoly;
        else if (name == "RBF")
            type = Type::kRbf;
        else if (name == "SIGMOID")
            type = Type::kSigmoid;
        else
            ctx.fail("kernel_type must be LINEAR, POLY, RBF or SIGMOID, got '", name, "'");
        const auto params = ctx.attr_floats("kernel_params");
        ctx.check(params.empty() || params.size() == 3, "kernel_params must hold [gamma, coef0, degree], got ",
                  params.size(), " values");
        if (params.size() == 3) gamma = params[0], coef0 = params[1], degree = params[2];
    }

    /// out[j] = k(x, vectors[j]) for `count` vectors of `features` values; `c` is added to LINEAR dot products.
    void apply(const float* x, const float* vectors, int64_t count, int64_t features, float c, float* out) const {
        for (int64_t j = 0; j < count; ++j) {
            const float* v = vectors + j * features;
            float sum = 0;
            if (type == Type::kRbf) {
                for (int64_t i = 0; i < features; ++i)
                    sum += (x[i] - v[i]) * (x[i] - v[i]);
                out[j] = std::exp(-gamma * sum);
                continue;
            }
            for (int64_t i = 0; i < features; ++i)
                sum += x[i] * v[i];
            switch (type) {
                case Type::kLinear: out[j] = sum + c; break;
                case Type::kPoly: {
                    const float base = gamma * sum + coef0;
                    out[j] = degree == 2 ? base * base : degree == 3 ? base * base * base : std::pow(base, degree);
                    break;
                }
                case Type::kSigmoid: out[j] = std::tanh(gamma * sum + coef0); break;
                case Type::kRbf: break;
            }
        }
    }
};

}  // namespace konnx::ops::ml
