// SPDX-License-Identifier: MIT
// Einsum (ONNX opset 12): Einstein summation over any number of operands, with "..." (ellipsis dims
// broadcast numpy-style, right-aligned), repeated labels within an operand (diagonals) and implicit
// output (no "->": ellipsis dims, then the labels used exactly once, alphabetically).
// Reference kernel: for each output element, a loop over every combination of the summed labels.
// Fast path (float32, two operands, each label in both operands or in one operand and the output, no
// diagonals): a batched matrix product on oneDNN. Labels group into batch (both operands and the output),
// M (A and the output), N (B and the output) and K (both operands, summed); each operand is read as
// [batch, M, K] / [batch, K, N] through strides when its labels allow it (the usual attention einsums do),
// else copied into that order first, and the [batch, M, N] product is written to the output the same way.
#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>

#include "core/parallel.hpp"
#include "kernels/onednn/matmul.hpp"
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
        for (std::size_t k = 0; k < spec.output.size(); ++k) {
            ctx.check(spec.sizes.count(spec.output[k]) != 0, "output label not in the inputs");
            ctx.check(std::count(spec.output.begin(), spec.output.end(), spec.output[k]) == 1, "output label repeats");
        }
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

// ---------------------------------------------------------------------------------------------
// Fast path: a batched matmul

namespace dnn = kernels::onednn;

// One operand (or the output) seen as a 3-D [groups[0], groups[1], groups[2]] matrix batch.
struct Operand3 {
    Shape full;                   // the operand's dims in group order, at their full (broadcast) sizes
    std::vector<int64_t> gather;  // its strides in that order (0 where broadcast)
    dnn::dims shape, strides;     // the 3-D view; strides empty when it must be copied into `shape` first
};

// Places `labels` (an operand's axes, dims `dims`) in the order of `groups` (three label lists).
Operand3 view3(const std::vector<int>& labels, const Shape& dims, const std::array<std::vector<int>, 3>& groups,
               const std::map<int, int64_t>& sizes) {
    Operand3 v;
    const auto own = strides_of(dims);
    std::map<int, int64_t> stride_of;  // absent or 0: broadcast (or a dim of 1)
    for (std::size_t d = 0; d < labels.size(); ++d)
        stride_of[labels[d]] = dims[d] == 1 ? 0 : own[d];
    bool viewable = true;
    for (const auto& group : groups) {
        int64_t size = 1, stride = 1;  // the merged dim, from the group's innermost label outwards
        bool found = false, broadcast = false;
        for (int label : group) {
            v.full.push_back(sizes.at(label));
            v.gather.push_back(stride_of.count(label) ? stride_of.at(label) : 0);
        }
        for (std::size_t g = group.size(); g-- > 0;) {
            const int64_t full = sizes.at(group[g]);
            const int64_t s = v.gather[v.gather.size() - group.size() + g];
            if (full == 1) continue;
            if (s == 0) {
                broadcast = true;
            } else if (!found) {
                stride = s;
                found = true;
            } else if (s != stride * size) {
                viewable = false;  // not adjacent and in order: no single stride merges them
            }
            size *= full;
        }
        if (broadcast && found) viewable = false;  // only part of a merged dim broadcasts
        v.shape.push_back(broadcast ? 1 : size);
        v.strides.push_back(stride);
    }
    // oneDNN's fast matmuls read row- or column-major matrices: one of the two inner dims is dense.
    if (viewable && v.strides[1] != 1 && v.strides[2] != 1 && v.shape[1] > 1 && v.shape[2] > 1) viewable = false;
    if (!viewable) {  // copied into [groups...] order at full size
        v.shape.clear();
        v.strides.clear();
        std::size_t at = 0;
        for (const auto& group : groups) {
            int64_t size = 1;
            for (std::size_t g = 0; g < group.size(); ++g)
                size *= v.full[at++];
            v.shape.push_back(size);
        }
        return v;
    }
    // Dims of 1 take the stride a dense layout would give them (oneDNN checks strides even there).
    for (std::size_t d = v.shape.size(); d-- > 0;)
        if (v.shape[d] == 1) v.strides[d] = d + 1 < v.shape.size() ? v.shape[d + 1] * v.strides[d + 1] : 1;
    return v;
}

class EinsumMatMul final : public Kernel {
public:
    EinsumMatMul(const Spec& spec, const KernelInit& init) {
        std::array<std::vector<int>, 3> a_groups, b_groups, y_groups;
        const auto in = [](const std::vector<int>& v, int label) {
            return std::find(v.begin(), v.end(), label) != v.end();
        };
        std::vector<int> batch, m, n, k;
        for (const auto& [label, size] : spec.sizes) {
            const bool ia = in(spec.inputs[0], label), ib = in(spec.inputs[1], label), io = in(spec.output, label);
            if (ia && ib && io)
                batch.push_back(label);
            else if (ia && io)
                m.push_back(label);
            else if (ib && io)
                n.push_back(label);
            else if (ia && ib)
                k.push_back(label);
            else
                throw std::invalid_argument("label summed in one operand only");
        }
        // Groups keep the label order of the operand that reads them most naturally: batch and M as in
        // the output, K as in B (its rows), N as in the output.
        const auto ordered = [](std::vector<int> labels, const std::vector<int>& by) {
            std::stable_sort(labels.begin(), labels.end(), [&](int x, int y) {
                return std::find(by.begin(), by.end(), x) < std::find(by.begin(), by.end(), y);
            });
            return labels;
        };
        batch = ordered(batch, spec.output), m = ordered(m, spec.output), n = ordered(n, spec.output);
        k = ordered(k, spec.inputs[1]);
        a_ = view3(spec.inputs[0], init.input_shape(0), {batch, m, k}, spec.sizes);
        b_ = view3(spec.inputs[1], init.input_shape(1), {batch, k, n}, spec.sizes);
        y_ = view3(spec.output, init.output_shape(0), {batch, m, n}, spec.sizes);
        dnn::MatMulParams p;
        p.a = a_.shape, p.b = b_.shape;
        p.y = {std::max(a_.shape[0], b_.shape[0]), a_.shape[1], b_.shape[2]};
        p.a_strides = a_.strides, p.b_strides = b_.strides;
        dnn::ScratchLayout scratch;
        const auto bytes = [](const dnn::dims& d) { return static_cast<std::size_t>(d[0] * d[1] * d[2]) * 4; };
        if (a_.strides.empty()) a_offset_ = scratch.add(bytes(a_.shape));
        if (b_.strides.empty()) b_offset_ = scratch.add(bytes(b_.shape));
        // The product is written straight into the output when its labels are in [batch, M, N] order.
        y_direct_ = !y_.strides.empty() && y_.strides[2] == 1 && y_.strides[1] == y_.shape[2] &&
                    (y_.shape[0] == 1 || y_.strides[0] == y_.shape[1] * y_.shape[2]);
        if (!y_direct_) y_offset_ = scratch.add(bytes(p.y));
        matmul_ = std::make_unique<dnn::MatMul>(p, nullptr, nullptr);
        matmul_offset_ = scratch.add(matmul_->scratch_bytes());
        scratch_ = scratch.total();
        // Output dims in output-label order read back from the [batch, M, N] product.
        for (int label : spec.output) {
            y_back_shape_.push_back(spec.sizes.at(label));
            int64_t stride = 1;  // in the contiguous product, laid out as batch, m, n labels
            bool after = false;
            for (const auto* g : {&n, &m, &batch})
                for (auto it = g->rbegin(); it != g->rend(); ++it) {
                    if (*it == label) after = true;
                    if (!after) stride *= spec.sizes.at(*it);
                }
            y_back_strides_.push_back(stride);
        }
    }

    std::size_t scratch_bytes() const override { return scratch_; }

    void run(const KernelRun& r) const override {
        std::byte* base = r.scratch.data();
        const auto operand = [&](const Operand3& v, const Tensor& t, std::size_t offset) -> const float* {
            if (!v.strides.empty()) return t.data<float>();
            strided_copy(t.raw(), base + offset, sizeof(float), v.full, v.gather);
            return reinterpret_cast<const float*>(base + offset);
        };
        const float* a = operand(a_, r.in(0), a_offset_);
        const float* b = operand(b_, r.in(1), b_offset_);
        float* y = y_direct_ ? r.out(0).data<float>() : reinterpret_cast<float*>(base + y_offset_);
        matmul_->run(a, b, nullptr, y, {base + matmul_offset_, matmul_->scratch_bytes()});
        if (!y_direct_) strided_copy(y, r.out(0).raw(), sizeof(float), y_back_shape_, y_back_strides_);
    }

private:
    Operand3 a_, b_, y_;
    bool y_direct_ = false;
    std::unique_ptr<dnn::MatMul> matmul_;
    std::size_t a_offset_ = 0, b_offset_ = 0, y_offset_ = 0, matmul_offset_ = 0, scratch_ = 0;
    Shape y_back_shape_;
    std::vector<int64_t> y_back_strides_;
};

bool has_repeated_labels(const std::vector<int>& labels) {
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (std::count(labels.begin(), labels.end(), labels[i]) > 1) return true;
    return false;
}

std::unique_ptr<Kernel> make_matmul(const Spec& spec, const KernelInit& init) {
    if (spec.inputs.size() != 2 || init.input_dtype(0) != DType::kFloat32) return nullptr;
    if (has_repeated_labels(spec.inputs[0]) || has_repeated_labels(spec.inputs[1])) return nullptr;
    if (checked_numel(init.output_shape(0)) == 0 || checked_numel(init.input_shape(0)) == 0 ||
        checked_numel(init.input_shape(1)) == 0)
        return nullptr;
    try {
        return std::make_unique<EinsumMatMul>(spec, init);
    } catch (const std::invalid_argument&) {
        return nullptr;  // a label summed within one operand: the reference loop
    } catch (const dnnl::error&) {
        return nullptr;
    }
}

OpCost cost(const KernelInit& init) {
    const Spec spec = parse(init);
    double combinations = 1;  // the reference loop's iterations: one multiply-add each
    for (const auto& [label, size] : spec.sizes)
        combinations *= static_cast<double>(size);
    return {2 * combinations, 0};
}

std::unique_ptr<Kernel> make(const KernelInit& init) {
    const Spec spec = parse(init);
    if (init.optimized())
        if (auto fast = make_matmul(spec, init)) return fast;
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
    registry.add({.name = "Einsum", .since_version = 12, .infer = infer, .make_kernel = make, .cost = cost});
}

}  // namespace konnx::ops
