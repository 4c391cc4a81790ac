// SPDX-License-Identifier: MIT
// Einsum (ONNX opset 12): Einstein summation over any number of operands, with "..." (ellipsis dims
// broadcast numpy-style, right-aligned), repeated labels within an operand (diagonals) and implicit
// output (no "->": ellipsis dims, then the labels used exactly once, alphabetically).
// Reference kernel: for each output element, a loop over every combination of the summed labels.
#include <algorithm>
#include <map>

#include "core/parallel.hpp"
#include "ops/support/tensor_common.hpp"

namespace konnx::ops {
namespace {

constexpr int kEllipsisBase = 256;  // label ids: letters are their char code, ellipsis dim k is 256 + k

struct Spec {
    std::vector<std::vector<int>> inputs;  // label ids per operand axis
    std::vector<int> output;
    std::map<int, int64_t> sizes;  // per label
};

// Parses one term into labels; "..." expands to `ell` ellipsis labels (right-aligned to max_ell).
std::vector<int> parse_term(const NodeContext& ctx, const std::string& term, int64_t rank, int64_t* ell_out,
                            int64_t max_ell) {
    std::vector<int> labels;
    int64_t letters = 0;
    bool ellipsis = false;
    for (std::size_t i = 0; i < term.size(); ++i) {
        if (term[i] == '.') {
            ctx.check(term.compare(i, 3, "...") == 0 && !ellipsis, "bad ellipsis in '", term, "'");
            ellipsis = true;
            i += 2;
        } else {
            ctx.check(std::isalpha(static_cast<unsigned char>(term[i])) != 0, "bad label '", term[i], "'");
            ++letters;
        }
    }
    const int64_t ell = ellipsis ? (rank >= 0 ? rank - letters : max_ell) : 0;
    ctx.check(ell >= 0, "term '", term, "' has more labels than its operand's rank ", rank);
    if (rank >= 0 && !ellipsis) ctx.check(letters == rank, "term '", term, "' does not match rank ", rank);
    if (ell_out) *ell_out = ell;
    for (std::size_t i = 0; i < term.size(); ++i) {
        if (term[i] == '.') {
            for (int64_t k = 0; k < ell; ++k)
                labels.push_back(kEllipsisBase + static_cast<int>(max_ell - ell + k));
            i += 2;
        } else {
            labels.push_back(static_cast<unsigned char>(term[i]));
        }
    }
    return labels;
}

Spec parse(const NodeContext& ctx) {
    std::string eq = ctx.attr_string("equation", "");
    eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
    const auto arrow = eq.find("->");
    const std::string lhs = eq.substr(0, arrow);
    std::vector<std::string> terms;
    for (std::size_t start = 0;;) {
        const auto comma = lhs.find(',', start);
        terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    ctx.check(terms.size() == ctx.num_inputs(), "equation has ", terms.size(), " terms for ", ctx.num_inputs(),
              " inputs");
    int64_t max_ell = 0;
    std::vector<int64_t> ells(terms.size());
    for (std::size_t i = 0; i < terms.size(); ++i) {
        parse_term(ctx, terms[i], ctx.input_rank(i), &ells[i], 0);
        max_ell = std::max(max_ell, ells[i]);
    }
    Spec spec;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        spec.inputs.push_back(parse_term(ctx, terms[i], ctx.input_rank(i), nullptr, max_ell));
        const Shape& shape = ctx.input_shape(i);
        for (std::size_t d = 0; d < shape.size(); ++d) {
            const int label = spec.inputs[i][d];
            auto [it, inserted] = spec.sizes.try_emplace(label, shape[d]);
            if (inserted || it->second == shape[d]) continue;
            ctx.check(label >= kEllipsisBase && (it->second == 1 || shape[d] == 1), "label dims differ: ", it->second,
                      " vs ", shape[d]);
            if (it->second == 1) it->second = shape[d];
        }
    }
    if (arrow != std::string::npos) {
        spec.output = parse_term(ctx, eq.substr(arrow + 2), -1, nullptr, max_ell);
        for (int label : spec.output)
            ctx.check(spec.sizes.count(label) != 0, "output label not in the inputs");
    } else {
        for (int64_t k = 0; k < max_ell; ++k)
            spec.output.push_back(kEllipsisBase + static_cast<int>(k));
        std::map<int, int> uses;
        for (const auto& in : spec.inputs)
            for (int label : in)
                if (label < kEllipsisBase) ++uses[label];
        for (const auto& [label, n] : uses)
            if (n == 1) spec.output.push_back(label);
    }
    return spec;
}

void infer(InferContext& ctx) {
    const Spec spec = parse(ctx);
    for (std::size_t i = 1; i < ctx.num_inputs(); ++i)
        ctx.check(ctx.input_dtype(i) == ctx.input_dtype(0), "inputs have different types");
    Shape out;
    for (int label : spec.output)
        out.push_back(spec.sizes.at(label));
    checked_numel(out);
    ctx.set_output(0, ctx.input_dtype(0), std::move(out));
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Spec spec = parse(init);
    // Loop labels: output labels first, then summed ones; each operand's stride per loop label.
    std::vector<int> loop = spec.output;
    for (const auto& [label, size] : spec.sizes)
        if (std::find(loop.begin(), loop.end(), label) == loop.end()) loop.push_back(label);
    std::vector<int64_t> dims;
    for (int label : loop)
        dims.push_back(spec.sizes.at(label));
    std::vector<std::vector<int64_t>> strides(spec.inputs.size(), std::vector<int64_t>(loop.size(), 0));
    for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
        const Shape& shape = init.input_shape(i);
        const auto own = strides_of(shape);
        for (std::size_t d = 0; d < shape.size(); ++d) {
            if (shape[d] == 1) continue;  // broadcast (ellipsis) or size-1 label: stride irrelevant
            const auto at = std::find(loop.begin(), loop.end(), spec.inputs[i][d]) - loop.begin();
            strides[i][static_cast<std::size_t>(at)] += own[d];
        }
    }
    const std::size_t nout = spec.output.size();
    return make_kernel([dims, strides, nout](const KernelRun& r) {
        const int64_t out_count = product(dims, 0, nout), sum_count = product(dims, nout, dims.size());
        dispatch_list(TypeList<float, double, int32_t, int64_t, uint32_t, uint64_t>{}, r.out(0).dtype(),
                      [&]<class T>() {
                          using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
                          T* out = r.out(0).data<T>();
                          const std::size_t n = r.num_inputs();
                          parallel_for(out_count, 64, [&](int64_t b, int64_t e) {
                              std::vector<int64_t> base(n), off(n), idx(dims.size() - nout);
                              for (int64_t o = b; o < e; ++o) {
                                  std::fill(base.begin(), base.end(), 0);
                                  int64_t rest = o;
                                  for (std::size_t d = nout; d-- > 0;) {
                                      const int64_t v = rest % dims[d];
                                      rest /= dims[d];
                                      for (std::size_t i = 0; i < n; ++i)
                                          base[i] += v * strides[i][d];
                                  }
                                  Acc acc = 0;
                                  std::fill(idx.begin(), idx.end(), 0);
                                  off = base;
                                  for (int64_t s = 0; s < sum_count; ++s) {
                                      Acc term = 1;
                                      for (std::size_t i = 0; i < n; ++i)
                                          term *= static_cast<Acc>(r.in(i).data<T>()[off[i]]);
                                      acc += term;
                                      for (std::size_t d = idx.size(); d-- > 0;) {  // next summed index
                                          const std::size_t ld = nout + d;
                                          for (std::size_t i = 0; i < n; ++i)
                                              off[i] += strides[i][ld];
                                          if (++idx[d] < dims[ld]) break;
                                          for (std::size_t i = 0; i < n; ++i)
                                              off[i] -= idx[d] * strides[i][ld];
                                          idx[d] = 0;
                                      }
                                  }
                                  out[o] = static_cast<T>(acc);
                              }
                          });
                      });
    });
}

}  // namespace

void register_einsum(OpRegistry& registry) {
    registry.add({.name = "Einsum", .since_version = 12, .infer = infer, .make_kernel = make});
}

}  // namespace konnx::ops
