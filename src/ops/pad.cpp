// SPDX-License-Identifier: MIT
// Pad (ONNX opsets 2, 11, 13, 18, 19): modes constant / reflect / edge, and wrap (opset 19: numpy's wrap, the
// input repeated). The pads ([begin..., end...], negative ones crop) are an attribute before opset 11 (with a
// float `value`) and input 1 after (with an optional constant_value input 2); from opset 18 an optional
// `axes` input 3 says which axes they are for (negative ones count from the back; the rest are not padded).
// Kernel: per output row, the source row is mapped through the outer axes (a constant-mode row outside
// the input is filled); along the innermost axis the inside part is one memcpy.
#include "core/half.hpp"
#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

enum class Mode { kConstant, kReflect, kEdge, kWrap };

struct Params {
    Mode mode = Mode::kConstant;
    std::vector<int64_t> pads;
    double value = 0;
    const Tensor* value_tensor = nullptr;  // opset 11+ constant_value (only in infer/make)
};

// Opset 18's axes input: pads [begins..., ends...] for those axes only, spread over every axis.
std::vector<int64_t> pads_for_axes(const NodeContext& ctx, const std::vector<int64_t>& pads, int64_t rank) {
    const auto axes = int_values(ctx.require_value(3));
    ctx.check(pads.size() == 2 * axes.size(), "pads has ", pads.size(), " entries for ", axes.size(), " axes");
    std::vector<int64_t> all(static_cast<std::size_t>(2 * rank), 0);
    std::vector<bool> seen(static_cast<std::size_t>(rank), false);
    for (std::size_t k = 0; k < axes.size(); ++k) {
        const std::size_t a = axis_index(ctx, axes[k], rank);
        ctx.check(!seen[a], "axis ", axes[k], " is listed twice");
        seen[a] = true;
        all[a] = pads[k];
        all[a + static_cast<std::size_t>(rank)] = pads[k + axes.size()];
    }
    return all;
}

Params params(const NodeContext& ctx) {
    Params p;
    const std::string mode = ctx.attr_string("mode", "constant");
    if (mode == "constant")
        p.mode = Mode::kConstant;
    else if (mode == "reflect")
        p.mode = Mode::kReflect;
    else if (mode == "edge")
        p.mode = Mode::kEdge;
    else if (mode == "wrap")
        p.mode = Mode::kWrap;
    else
        ctx.fail("unknown mode '", mode, "'");
    const int64_t rank = ctx.input_rank(0);
    if (ctx.opset() < 11) {
        p.pads = ctx.attr_ints("pads");
        p.value = ctx.attr_float("value", 0.0f);
    } else {
        p.pads = int_values(ctx.require_value(1));
        if (ctx.has_input(3)) p.pads = pads_for_axes(ctx, p.pads, rank);
        if (ctx.has_input(2)) {
            p.value_tensor = &ctx.require_value(2);
            ctx.check(p.value_tensor->numel() == 1, "constant_value must be a scalar");
            ctx.check(p.value_tensor->dtype() == ctx.input_dtype(0), "constant_value must have the input's type");
        }
    }
    ctx.check(static_cast<int64_t>(p.pads.size()) == 2 * rank, "pads has ", p.pads.size(), " entries for rank ", rank);
    return p;
}

Shape out_shape(const NodeContext& ctx, const Params& p) {
    Shape out = ctx.input_shape(0);
    const std::size_t rank = out.size();
    for (std::size_t d = 0; d < rank; ++d) {
        const int64_t dim = out[d];
        out[d] += p.pads[d] + p.pads[d + rank];
        ctx.check(out[d] >= 0, "pads make axis ", d, " negative");
        if (p.mode != Mode::kConstant && out[d] > 0)
            ctx.check(dim > 0, "cannot pad an empty axis in mode ", ctx.attr_string("mode", ""));
        if (p.mode == Mode::kReflect)
            ctx.check(p.pads[d] < dim && p.pads[d + rank] < dim, "reflect pads must be smaller than the axis size");
    }
    checked_numel(out);
    return out;
}

void infer(InferContext& ctx) {
    check_movable(ctx, ctx.input_dtype(0));
    ctx.set_output(0, ctx.input_dtype(0), out_shape(ctx, params(ctx)));
}

// Source index along an axis of size dim for output position o (pad = begin pad), or -1 for constant fill.
int64_t source_index(int64_t o, int64_t pad, int64_t dim, Mode mode) {
    int64_t i = o - pad;
    if (i >= 0 && i < dim) return i;
    switch (mode) {
        case Mode::kConstant: return -1;
        case Mode::kEdge: return i < 0 ? 0 : dim - 1;
        case Mode::kWrap: return ((i % dim) + dim) % dim;
        case Mode::kReflect:
            if (dim == 1) return 0;
            while (i < 0 || i >= dim)
                i = i < 0 ? -i : 2 * (dim - 1) - i;
            return i;
    }
    return -1;
}

template <class T>
void pad_kernel(const Tensor& x, Tensor& y, const std::vector<int64_t>& pads, Mode mode, T value) {
    const Shape& in = x.shape();
    const Shape& out = y.shape();
    const std::size_t rank = in.size();
    if (y.numel() == 0) return;
    if (rank == 0) {
        *y.data<T>() = *x.data<T>();
        return;
    }
    const auto in_strides = strides_of(in);
    const int64_t inner = out[rank - 1], in_inner = in[rank - 1], pad0 = pads[rank - 1];
    const int64_t rows = product(out, 0, rank - 1);
    const T* src = x.data<T>();
    T* dst = y.data<T>();
    // Inside range of the innermost axis: output [lo, hi) maps to input [lo - pad0, hi - pad0).
    const int64_t lo = std::clamp<int64_t>(pad0, 0, inner);
    const int64_t hi = std::clamp<int64_t>(pad0 + in_inner, lo, inner);
    parallel_for(rows, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(inner, 1)), [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
            T* o = dst + row * inner;
            int64_t rest = row, base = 0;
            bool fill = false;
            for (std::size_t d = rank - 1; d-- > 0;) {
                const int64_t i = source_index(rest % out[d], pads[d], in[d], mode);
                rest /= out[d];
                if (i < 0)
                    fill = true;
                else
                    base += i * in_strides[d];
            }
            if (fill) {
                std::fill_n(o, inner, value);
                continue;
            }
            const T* s = src + base;
            for (int64_t j = 0; j < lo; ++j) {
                const int64_t i = source_index(j, pad0, in_inner, mode);
                o[j] = i < 0 ? value : s[i];
            }
            if (hi > lo) std::memcpy(o + lo, s + (lo - pad0), static_cast<std::size_t>(hi - lo) * sizeof(T));
            for (int64_t j = hi; j < inner; ++j) {
                const int64_t i = source_index(j, pad0, in_inner, mode);
                o[j] = i < 0 ? value : s[i];
            }
        }
    });
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Params p = params(init);
    out_shape(init, p);
    // The fill value as the element's bytes.
    const DType dtype = init.input_dtype(0);
    uint64_t bits = 0;
    if (p.value_tensor) {
        std::memcpy(&bits, p.value_tensor->raw(), dtype_size(dtype));
    } else if (dtype == DType::kFloat16) {
        const Float16 h = to_float16(static_cast<float>(p.value));
        std::memcpy(&bits, &h, 2);
    } else if (dtype == DType::kBFloat16) {
        const BFloat16 h = to_bfloat16(static_cast<float>(p.value));
        std::memcpy(&bits, &h, 2);
    } else if (dtype == DType::kBool) {
        bits = p.value != 0;
    } else {
        dispatch_list(NumericTypes{}, dtype, [&]<class T>() {
            const T v = static_cast<T>(p.value);
            std::memcpy(&bits, &v, sizeof(T));
        });
    }
    return make_kernel([pads = p.pads, mode = p.mode, bits](const KernelRun& r) {
        dispatch_by_size(dtype_size(r.in(0).dtype()), [&]<class T>() {
            T v;
            std::memcpy(&v, &bits, sizeof(T));
            pad_kernel<T>(r.in(0), r.out(0), pads, mode, v);
        });
    });
}

}  // namespace

void register_pad(OpRegistry& registry) {
    registry.add({.name = "Pad", .since_version = 2, .infer = infer, .make_kernel = make, .cost = streaming_cost});
}

}  // namespace konnx::ops
