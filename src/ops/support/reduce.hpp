// SPDX-License-Identifier: MIT
// Shared machinery of the Reduce* ops: axis resolution (attribute `axes`, or input 1 where the opset makes
// it an input: ReduceSum from 13, the others from 18), keepdims, noop_with_empty_axes, and an indexer that
// visits the reduced elements of each output element. Empty-set reductions (a reduced axis of length 0)
// produce each op's identity (0 for sums, 1 for products, -inf/+inf for max/min, NaN for means, ...).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/dispatch.hpp"
#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "ops/support/op.hpp"

namespace konnx::ops {

/// The resolved reduction of one node for one input shape.
struct ReduceSpec {
    std::vector<bool> reduced;  ///< per input axis
    Shape out_shape;
    bool noop = false;  ///< empty axes with noop_with_empty_axes=1: output = input
};

/// Reads axes (attribute or input 1), keepdims and noop_with_empty_axes; validates them against input 0.
inline ReduceSpec resolve_reduce(const NodeContext& ctx) {
    const Shape& in = ctx.input_shape(0);
    const auto rank = static_cast<int64_t>(in.size());
    std::vector<int64_t> axes;
    if (ctx.has_input(1)) {
        const Tensor& t = ctx.require_value(1);
        ctx.check(t.dtype() == DType::kInt64 && t.rank() <= 1, "axes input must be a 1-D int64 tensor");
        axes = t.to_vector<int64_t>();
    } else {
        axes = ctx.attr_ints("axes");
    }
    const bool keepdims = ctx.attr_int("keepdims", 1) != 0;
    ReduceSpec spec;
    spec.reduced.assign(in.size(), axes.empty());
    if (axes.empty() && ctx.attr_int("noop_with_empty_axes", 0) != 0) {
        spec.noop = true;
        spec.reduced.assign(in.size(), false);
        spec.out_shape = in;
        return spec;
    }
    for (int64_t a : axes) {
        ctx.check(a >= -rank && a < rank, "axis ", a, " is out of range for rank ", rank);
        const auto axis = static_cast<std::size_t>(a < 0 ? a + rank : a);
        ctx.check(!spec.reduced[axis] || axes.empty(), "axis ", a, " is listed twice");
        spec.reduced[axis] = true;
    }
    for (std::size_t d = 0; d < in.size(); ++d) {
        if (!spec.reduced[d])
            spec.out_shape.push_back(in[d]);
        else if (keepdims)
            spec.out_shape.push_back(1);
    }
    return spec;
}

/// Shape function of every Reduce* op: same dtype as input 0.
inline void infer_reduce(InferContext& ctx) {
    const ReduceSpec spec = resolve_reduce(ctx);
    ctx.set_output(0, ctx.input_dtype(0), spec.out_shape);
}

/// Offsets of the input elements that reduce into each output element (built once per plan).
class ReduceIndexer {
public:
    ReduceIndexer(const Shape& in, const std::vector<bool>& reduced) {
        const auto strides = strides_of(in);
        for (std::size_t d = 0; d < in.size(); ++d) {
            auto& dims = reduced[d] ? red_dims_ : kept_dims_;
            auto& str = reduced[d] ? red_strides_ : kept_strides_;
            dims.push_back(in[d]);
            str.push_back(strides[d]);
        }
        out_count_ = product(kept_dims_);
        red_count_ = product(red_dims_);
    }

    int64_t out_count() const { return out_count_; }
    int64_t reduce_count() const { return red_count_; }

    /// Calls f(offset) for every input offset reducing into output element `out_index`.
    template <class F>
    void visit(int64_t out_index, F&& f) const {
        if (red_count_ == 0) return;
        int64_t base = 0;
        for (std::size_t d = kept_dims_.size(); d-- > 0;) {
            base += (out_index % kept_dims_[d]) * kept_strides_[d];
            out_index /= kept_dims_[d];
        }
        if (red_dims_.empty()) {
            f(base);
            return;
        }
        const std::size_t last = red_dims_.size() - 1;
        const int64_t inner = red_dims_[last], step = red_strides_[last];
        std::vector<int64_t> index(last, 0);
        for (;;) {
            int64_t off = base;
            for (std::size_t d = 0; d < last; ++d)
                off += index[d] * red_strides_[d];
            for (int64_t i = 0; i < inner; ++i)
                f(off + i * step);
            std::size_t d = last;
            while (d-- > 0) {
                if (++index[d] < red_dims_[d]) break;
                index[d] = 0;
            }
            if (d == SIZE_MAX) return;
        }
    }

private:
    std::vector<int64_t> kept_dims_, kept_strides_, red_dims_, red_strides_;
    int64_t out_count_ = 1, red_count_ = 1;
};

/// A Reduce* kernel: y[o] = fn(indexer, o, x) for each output element, in parallel, for the element
/// types in `Types`; fn is a generic lambda (const ReduceIndexer&, int64_t out_index, const T* x) -> T.
/// noop reductions copy the input.
template <class Types, class Fn>
std::unique_ptr<Kernel> make_reduce_kernel(const KernelInit& init, Fn fn) {
    const ReduceSpec spec = resolve_reduce(init);
    if (spec.noop) {
        return make_kernel([](const KernelRun& r) {
            if (r.in(0).nbytes()) std::memcpy(r.out(0).raw(), r.in(0).raw(), r.in(0).nbytes());
        });
    }
    return make_kernel([indexer = ReduceIndexer(init.input_shape(0), spec.reduced), fn](const KernelRun& r) {
        dispatch_list(Types{}, r.in(0).dtype(), [&]<class T>() {
            const T* x = r.in(0).data<T>();
            T* y = r.out(0).data<T>();
            const int64_t grain = std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(indexer.reduce_count(), 1));
            parallel_for(indexer.out_count(), grain, [&](int64_t begin, int64_t end) {
                for (int64_t o = begin; o < end; ++o)
                    y[o] = fn(indexer, o, x);
            });
        });
    });
}

/// Accumulator type: double for floating point, the type itself for integers.
/// NaN test that compiles (to false) for integer types.
template <class T>
bool is_nan(T v) {
    if constexpr (std::is_floating_point_v<T>)
        return std::isnan(v);
    else
        return false;
}

template <class T>
using ReduceAcc = std::conditional_t<std::is_floating_point_v<T>, double, T>;

}  // namespace konnx::ops
