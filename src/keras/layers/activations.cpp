// SPDX-License-Identifier: MIT
// Advanced activation layers: ReLU (max_value, negative_slope, threshold), LeakyReLU (alpha /
// negative_slope), PReLU (shared_axes), ELU, ThresholdedReLU, Softmax (axis).
#include "keras/convert_context.hpp"
#include "keras/tensor_util.hpp"

namespace konnx::keras {
namespace {

using graph::Attribute;

void relu(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    KTensor y = x;
    const double slope = ctx.f64("negative_slope", 0.0);
    const double threshold = ctx.f64("threshold", 0.0);
    const bool has_max = ctx.has("max_value");
    const double max_value = has_max ? ctx.f64("max_value", 0.0) : 0.0;
    if (slope == 0.0 && threshold == 0.0) {
        y.value = has_max ? ctx.emit1("Clip", {x.value, ctx.scalar_f32(0, "min"),
                                               ctx.scalar_f32(static_cast<float>(max_value), "max")})
                          : ctx.emit1("Relu", {x.value});
    } else {
        // f(x) = max_value if x >= max_value; x if threshold <= x < max; slope * (x - threshold) otherwise
        const std::string t = ctx.scalar_f32(static_cast<float>(threshold), "threshold");
        const std::string below = ctx.emit1(
            "Mul", {ctx.emit1("Sub", {x.value, t}), ctx.scalar_f32(static_cast<float>(slope), "negative_slope")});
        std::string v = ctx.emit1("Where", {ctx.emit1("Less", {x.value, t}), below, x.value});
        if (has_max) v = ctx.emit1("Min", {v, ctx.scalar_f32(static_cast<float>(max_value), "max")});
        y.value = v;
    }
    ctx.set_output(y);
}

void leaky_relu(ConvertContext& ctx) {
    KTensor y = ctx.input();
    const double alpha = ctx.has("negative_slope") ? ctx.f64("negative_slope", 0.3) : ctx.f64("alpha", 0.3);
    y.value = ctx.emit1("LeakyRelu", {y.value}, {{"alpha", Attribute::of_float(static_cast<float>(alpha))}});
    ctx.set_output(y);
}

void elu(ConvertContext& ctx) {
    KTensor y = ctx.input();
    y.value = ctx.emit1("Elu", {y.value}, {{"alpha", Attribute::of_float(static_cast<float>(ctx.f64("alpha", 1.0)))}});
    ctx.set_output(y);
}

void thresholded_relu(ConvertContext& ctx) {
    KTensor y = ctx.input();
    y.value = ctx.emit1("ThresholdedRelu", {y.value},
                        {{"alpha", Attribute::of_float(static_cast<float>(ctx.f64("theta", 1.0)))}});
    ctx.set_output(y);
}

void softmax(ConvertContext& ctx) {
    const KTensor& x = ctx.input();
    KTensor y = x;
    std::vector<int> axes;
    if (ctx.has("axis") && ctx.config()["axis"].is_array()) {
        for (const auto& a : ctx.config()["axis"])
            axes.push_back(a.get<int>());
    } else {
        axes.push_back(static_cast<int>(ctx.i64("axis", -1)));
    }
    if (axes.size() != 1) ctx.unsupported("Softmax over several axes");
    y.value = ctx.emit1("Softmax", {x.value}, {{"axis", Attribute::of_int(x.physical_axis(axes[0]))}});
    ctx.set_output(y);
}

void prelu(ConvertContext& ctx) {
    ctx.expect_weights({1});
    const KTensor& x = ctx.input();
    const Tensor& alpha = ctx.weight(0);  // Keras shape: input_shape[1:] with shared axes set to 1
    if (alpha.rank() + 1 != x.rank()) ctx.invalid("alpha rank does not match the input");
    // Lay alpha out like x's physical layout (without the batch axis, which stays first).
    std::vector<int> perm;
    for (std::size_t i = 1; i < x.rank(); ++i)
        perm.push_back(x.perm[i] - 1);
    if (x.perm[0] != 0) ctx.unsupported("PReLU on a batch-permuted tensor");
    KTensor y = x;
    y.value = ctx.emit1("PRelu", {x.value, ctx.add_initializer(keras::permute(alpha, perm), "alpha")});
    ctx.set_output(y);
}

}  // namespace

void register_activations(LayerRegistry& r) {
    r.add("ReLU", relu);
    r.add("LeakyReLU", leaky_relu);
    r.add("ELU", elu);
    r.add("ThresholdedReLU", thresholded_relu);
    r.add("Softmax", softmax);
    r.add("PReLU", prelu);
}

}  // namespace konnx::keras
