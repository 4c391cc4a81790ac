// SPDX-License-Identifier: MIT
#include "runtime/plan.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <optional>
#include <thread>

#include "core/file.hpp"
#include "core/load_profile.hpp"
#include "core/memory.hpp"
#include "core/parallel.hpp"
#include "core/shape.hpp"
#include "konnx/sequence.hpp"
#include "runtime/step_threads.hpp"

namespace konnx::runtime {
namespace {

constexpr std::size_t kAlign = 64;
std::size_t align_up(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

const Tensor& empty_tensor() {
    static const Tensor none;
    return none;
}

// Adds the node to error messages that do not name it yet.
[[noreturn]] void rethrow_for(const graph::Node& node, const Error& e) {
    const std::string what = e.what();
    if (what.find(node.describe()) != std::string::npos) throw e;
    throw Error(e.code(), cat(node.describe(), ": ", what));
}

/// Refuses an allocation that would take the memory held for the model past its budget (checked before
/// allocating, so a hostile shape is an error, never an out-of-memory).
void check_budget(std::size_t& held, std::size_t more, int64_t budget, const char* what) {
    if (more > static_cast<std::size_t>(budget) || held > static_cast<std::size_t>(budget) - more)
        fail(ErrorCode::kLimitExceeded, what, " need ", (held + std::min(more, SIZE_MAX / 2)) >> 20,
             " MiB, over the memory budget of ", budget >> 20, " MiB (SessionOptions::memory_budget_bytes)");
    held += more;
}

// Fewer steps than this build on the calling thread alone (starting a thread costs more than they do).
constexpr std::size_t kMinStepsForThreads = 8;

bool has_subgraphs(const graph::Graph& g) {
    for (const auto& node : g.nodes)
        for (const auto& [key, a] : node.attributes)
            if (a.g || !a.graphs.empty()) return true;
    return false;
}

}  // namespace

int64_t node_opset(const graph::Model& model, const graph::Node& node) {
    const auto v = model.opset(node.domain);
    if (!v) fail(ErrorCode::kUnsupported, node.describe(), ": domain '", node.domain, "' is not imported by the model");
    return *v;
}

// ---------------------------------------------------------------------------------------------
// Plan building

std::optional<FailedStep> build_all(std::size_t count, int threads, int omp_threads,
                                    const std::function<void(std::size_t)>& build) {
    std::atomic<std::size_t> next{0}, first_failed{SIZE_MAX};
    std::vector<std::exception_ptr> errors(count);
    const auto work = [&] {
        for (std::size_t s = next++; s < count && s < first_failed.load(); s = next++) {
            try {
                build(s);
            } catch (...) {
                errors[s] = std::current_exception();
                std::size_t seen = first_failed.load();
                while (s < seen && !first_failed.compare_exchange_weak(seen, s)) {
                }
            }
        }
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads && static_cast<std::size_t>(t) < count; ++t)
        helpers.emplace_back([&, omp_threads] {
            set_thread_count(omp_threads);  // oneDNN sizes its kernels by the thread count it sees
            work();
        });
    work();
    for (auto& h : helpers)
        h.join();
    const std::size_t failed = first_failed.load();
    if (failed == SIZE_MAX) return std::nullopt;
    return FailedStep{failed, errors[failed]};
}

std::unique_ptr<Plan> Plan::build(const graph::Model& model, const std::vector<Tensor>& inputs,
                                  const PlanOptions& options) {
    const graph::Graph& g = model.graph;
    if (has_subgraphs(g)) return nullptr;
    const auto& registry = ops::OpRegistry::global();
    auto plan = std::unique_ptr<Plan>(new Plan());
    // Facts keep pointers to constants inside values_, so it must never reallocate.
    std::size_t max_values = g.initializers.size() + g.inputs.size() + g.outputs.size();
    for (const auto& node : g.nodes)
        max_values += node.inputs.size() + node.outputs.size();
    plan->values_.reserve(max_values);
    std::unordered_map<std::string, int> ids;
    auto id_of = [&](const std::string& name) {
        auto [it, inserted] = ids.try_emplace(name, static_cast<int>(plan->values_.size()));
        if (inserted) plan->values_.push_back(PlanValue{name});
        return it->second;
    };

    // Known facts per value id, in step with values_.
    std::vector<ops::ValueFacts> facts;
    auto facts_of = [&](int id) -> ops::ValueFacts& {
        if (facts.size() <= static_cast<std::size_t>(id)) facts.resize(static_cast<std::size_t>(id) + 1);
        return facts[static_cast<std::size_t>(id)];
    };

    for (const auto& [name, t] : g.initializers) {
        const int id = id_of(name);
        plan->values_[static_cast<std::size_t>(id)].kind = PlanValue::Kind::kConstant;
        plan->values_[static_cast<std::size_t>(id)].constant = t;
    }
    const auto runtime_inputs = g.runtime_inputs();
    for (std::size_t i = 0; i < runtime_inputs.size(); ++i) {
        const int id = id_of(runtime_inputs[i]->name);
        auto& v = plan->values_[static_cast<std::size_t>(id)];
        v.kind = PlanValue::Kind::kInput;
        v.constant = {};
        plan->input_ids_.push_back(id);
        facts_of(id) = {inputs[i].dtype(), inputs[i].shape(), nullptr};
        if (is_container(inputs[i].dtype()) || inputs[i].dtype() == DType::kString)
            return nullptr;  // sequences, optionals and strings run in dynamic mode
    }
    for (auto& v : plan->values_)
        if (v.kind == PlanValue::Kind::kConstant)
            facts_of(ids[v.name]) = {v.constant.dtype(), v.constant.shape(), &v.constant};

    // Walk the nodes: infer, fold constants, keep the rest as steps.
    std::optional<LoadPhase> phase(std::in_place, "plan: shapes and folding");
    std::vector<ops::ValueFacts> in_facts, out_facts;
    std::vector<Tensor> out_values;
    std::size_t folded_bytes = 0;  // constants computed while planning
    for (const auto& node : g.nodes) {
        const int64_t opset = node_opset(model, node);
        const ops::OpDef* op = registry.find(node.domain, node.op_type, opset);
        if (!op) fail(ErrorCode::kUnsupported, node.describe(), ": not implemented for opset ", opset);
        PlanStep step;
        step.node = &node;
        step.op = op;
        in_facts.assign(node.inputs.size(), {});
        bool all_constant = true;
        for (std::size_t i = 0; i < node.inputs.size(); ++i) {
            if (node.inputs[i].empty()) {
                step.inputs.push_back(-1);
                continue;
            }
            const int id = id_of(node.inputs[i]);
            step.inputs.push_back(id);
            in_facts[i] = facts_of(id);
            if (!in_facts[i].value) all_constant = false;
        }
        out_facts.assign(node.outputs.size(), {});
        out_values.assign(node.outputs.size(), {});
        ops::InferContext ictx(node, opset, in_facts, out_facts, out_values);
        try {
            op->infer(ictx);
        } catch (const ops::NeedsValue&) {
            return nullptr;  // data-dependent shapes: dynamic mode
        } catch (const Error& e) {
            rethrow_for(node, e);
        }
        if (std::any_of(out_facts.begin(), out_facts.end(),
                        [](const auto& f) { return is_container(f.dtype) || f.dtype == DType::kString; }))
            return nullptr;  // sequences, optionals and strings run in dynamic mode
        const bool values_known = std::all_of(node.outputs.begin(), node.outputs.end(), [&](const std::string& o) {
            return o.empty() || out_values[static_cast<std::size_t>(&o - node.outputs.data())].defined();
        });
        if (!values_known && all_constant && op->foldable) {
            // Run the reference kernel now and keep its outputs as constants.
            ops::KernelInit kinit(node, opset, in_facts, out_facts, false);
            try {
                auto kernel = op->make_kernel(kinit);
                std::vector<const Tensor*> in_ptrs;
                for (std::size_t i = 0; i < node.inputs.size(); ++i)
                    in_ptrs.push_back(in_facts[i].value ? in_facts[i].value : &empty_tensor());
                std::vector<Tensor*> out_ptrs;
                for (std::size_t i = 0; i < node.outputs.size(); ++i) {
                    if (!node.outputs[i].empty()) {
                        check_budget(folded_bytes,
                                     checked_nbytes(checked_numel(out_facts[i].shape), out_facts[i].dtype),
                                     options.memory_budget_bytes, "folded constants");
                        out_values[i] = Tensor::empty(out_facts[i].dtype, out_facts[i].shape);
                    }
                    out_ptrs.push_back(&out_values[i]);
                }
                std::size_t with_scratch = folded_bytes;
                check_budget(with_scratch, kernel->scratch_bytes(), options.memory_budget_bytes,
                             "folded constants and scratch");
                std::vector<std::byte> scratch(kernel->scratch_bytes() + kAlign);
                auto* aligned =
                    reinterpret_cast<std::byte*>(align_up(reinterpret_cast<std::uintptr_t>(scratch.data())));
                kernel->run({in_ptrs, out_ptrs, {aligned, kernel->scratch_bytes()}, nullptr});
            } catch (const ops::NeedsValue&) {
                return nullptr;
            } catch (const Error& e) {
                rethrow_for(node, e);
            }
        }
        const bool folded = std::all_of(node.outputs.begin(), node.outputs.end(), [&](const std::string& o) {
            return o.empty() || out_values[static_cast<std::size_t>(&o - node.outputs.data())].defined();
        });
        for (std::size_t i = 0; i < node.outputs.size(); ++i) {
            if (node.outputs[i].empty()) {
                step.outputs.push_back(-1);
                continue;
            }
            const int id = id_of(node.outputs[i]);
            step.outputs.push_back(id);
            auto& v = plan->values_[static_cast<std::size_t>(id)];
            v.dtype = out_facts[i].dtype;
            v.shape = out_facts[i].shape;
            if (!dtype_is_known(v.dtype))
                fail(ErrorCode::kUnsupported, node.describe(), ": output '", v.name, "' has unsupported type ",
                     dtype_name(v.dtype));
            if (folded) {
                v.kind = PlanValue::Kind::kConstant;
                v.constant = std::move(out_values[i]);
                facts_of(id) = {v.dtype, v.shape, &v.constant};
            } else {
                v.kind = PlanValue::Kind::kArena;
                v.bytes = checked_nbytes(checked_numel(v.shape), v.dtype);
                facts_of(id) = {v.dtype, v.shape, nullptr};
            }
        }
        if (!folded) plan->steps_.push_back(std::move(step));
    }
    // Graph outputs computed at run time get their own per-run buffers.
    for (const auto& out : g.outputs) {
        const int id = id_of(out.name);
        plan->output_ids_.push_back(id);
        auto& v = plan->values_[static_cast<std::size_t>(id)];
        if (v.kind == PlanValue::Kind::kArena) v.kind = PlanValue::Kind::kOutput;
    }

    // Constants whose every consumer repacks them: after the last of those kernels is built, their
    // mapped pages go back to the page cache, so the mapped file and the packed copies never all sit in
    // memory at once (peak RSS). Correct whatever a kernel does: the pages are re-read if touched.
    std::vector<int> pending_uses(plan->values_.size(), 0);
    std::vector<bool> repacked_only(plan->values_.size(), options.optimized_kernels && options.release_packed_weights);
    for (int id : plan->output_ids_)
        repacked_only[static_cast<std::size_t>(id)] = false;
    for (const auto& step : plan->steps_) {
        for (std::size_t i = 0; i < step.inputs.size(); ++i)
            if (const int id = step.inputs[i]; id >= 0) {
                ++pending_uses[static_cast<std::size_t>(id)];
                const bool packed =
                    i < 32 && (step.op->packed_float_inputs >> i & 1u) != 0 && facts_of(id).dtype == DType::kFloat32;
                if (!packed) repacked_only[static_cast<std::size_t>(id)] = false;
            }
    }

    // Kernels, now that every input fact (weights included) is final. They are independent of each
    // other, so several threads build them (oneDNN's JIT code generation and weight reorders dominate
    // a big CNN's load); each step's kernel is the same whichever thread builds it. Each is built with the
    // thread count it will run with: oneDNN sizes its work split when a primitive is created.
    phase.emplace("plan: kernels");
    facts.resize(plan->values_.size());  // read-only from here: no resizing while threads read it
    std::mutex release_mutex;
    const int session_threads = current_thread_count();
    struct RestoreThreads {
        int threads;
        ~RestoreThreads() { set_thread_count(threads); }
    };
    const auto build_step = [&](std::size_t s) {
        PlanStep& step = plan->steps_[s];
        const graph::Node& node = *step.node;
        const int64_t opset = node_opset(model, node);
        std::vector<ops::ValueFacts> kernel_in(node.inputs.size()), kernel_out(node.outputs.size());
        for (std::size_t i = 0; i < step.inputs.size(); ++i)
            if (step.inputs[i] >= 0) kernel_in[i] = facts[static_cast<std::size_t>(step.inputs[i])];
        for (std::size_t i = 0; i < step.outputs.size(); ++i)
            if (step.outputs[i] >= 0) kernel_out[i] = facts[static_cast<std::size_t>(step.outputs[i])];
        ops::KernelInit kinit(node, opset, kernel_in, kernel_out, options.optimized_kernels);
        step.threads = step_thread_count(*step.op, kinit, session_threads);
        const RestoreThreads restore{current_thread_count()};
        set_thread_count(step.threads);
        step.kernel = step.op->make_kernel(kinit);
        std::lock_guard lock(release_mutex);
        for (int id : step.inputs) {
            if (id < 0 || --pending_uses[static_cast<std::size_t>(id)] > 0) continue;
            const auto& v = plan->values_[static_cast<std::size_t>(id)];
            if (repacked_only[static_cast<std::size_t>(id)] && v.kind == PlanValue::Kind::kConstant)
                MappedFile::release_if_mapped(v.constant.raw(), v.constant.nbytes());
        }
    };
    const int threads = options.threads > 0 ? options.threads : physical_cores();
    const int build_threads = plan->steps_.size() >= kMinStepsForThreads ? threads : 1;
    if (const auto failed = build_all(plan->steps_.size(), build_threads, options.threads, build_step)) {
        const graph::Node& node = *plan->steps_[failed->step].node;
        try {
            std::rethrow_exception(failed->error);
        } catch (const ops::NeedsValue&) {
            return nullptr;
        } catch (const Error& e) {
            rethrow_for(node, e);
        }
    }
    for (const auto& step : plan->steps_)
        plan->scratch_bytes_ = std::max(plan->scratch_bytes_, align_up(step.kernel->scratch_bytes()));

    // Memory plan: lifetimes in step indices, then greedy best-fit offsets, largest first.
    phase.emplace("plan: memory");
    const std::size_t nvalues = plan->values_.size();
    std::vector<int> first(nvalues, -1), last(nvalues, -1);
    for (int s = 0; s < static_cast<int>(plan->steps_.size()); ++s) {
        for (int id : plan->steps_[static_cast<std::size_t>(s)].outputs)
            if (id >= 0 && first[static_cast<std::size_t>(id)] < 0) first[static_cast<std::size_t>(id)] = s;
        for (int id : plan->steps_[static_cast<std::size_t>(s)].inputs)
            if (id >= 0) last[static_cast<std::size_t>(id)] = s;
        for (int id : plan->steps_[static_cast<std::size_t>(s)].outputs)
            if (id >= 0) last[static_cast<std::size_t>(id)] = std::max(last[static_cast<std::size_t>(id)], s);
    }
    std::vector<int> order;
    for (std::size_t id = 0; id < nvalues; ++id)
        if (plan->values_[id].kind == PlanValue::Kind::kArena) order.push_back(static_cast<int>(id));
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return plan->values_[static_cast<std::size_t>(a)].bytes > plan->values_[static_cast<std::size_t>(b)].bytes;
    });
    struct Placed {
        std::size_t offset, size;
        int first, last;
    };
    std::vector<Placed> placed;
    std::size_t arena = 0;
    for (int id : order) {
        auto& v = plan->values_[static_cast<std::size_t>(id)];
        const std::size_t size = align_up(std::max<std::size_t>(v.bytes, 1));
        const int f = first[static_cast<std::size_t>(id)], l = last[static_cast<std::size_t>(id)];
        std::vector<std::pair<std::size_t, std::size_t>> busy;  // overlapping lifetimes
        for (const auto& p : placed)
            if (!(p.last < f || l < p.first)) busy.emplace_back(p.offset, p.offset + p.size);
        std::sort(busy.begin(), busy.end());
        std::size_t best = SIZE_MAX, best_gap = SIZE_MAX, cursor = 0;
        for (const auto& [b, e] : busy) {
            if (b > cursor && b - cursor >= size && b - cursor < best_gap) best = cursor, best_gap = b - cursor;
            cursor = std::max(cursor, e);
        }
        if (best == SIZE_MAX) best = cursor;
        v.offset = best;
        placed.push_back({best, size, f, l});
        arena = std::max(arena, best + size);
    }
    plan->scratch_offset_ = arena;
    plan->arena_bytes_ = arena + plan->scratch_bytes_;
    // Working memory = the arena + each run's output buffers + the constants folded above.
    std::size_t held = folded_bytes;
    check_budget(held, plan->arena_bytes_, options.memory_budget_bytes, "the model's working memory would");
    for (int id : plan->output_ids_)
        if (plan->values_[static_cast<std::size_t>(id)].kind == PlanValue::Kind::kOutput)
            check_budget(held, plan->values_[static_cast<std::size_t>(id)].bytes, options.memory_budget_bytes,
                         "the model's working memory and outputs would");
    return plan;
}

// ---------------------------------------------------------------------------------------------
// Running a plan

std::unique_ptr<RunState> Plan::acquire_state() const {
    {
        std::lock_guard lock(pool_mutex_);
        if (!pool_.empty()) {
            auto state = std::move(pool_.back());
            pool_.pop_back();
            return state;
        }
    }
    auto state = std::make_unique<RunState>();
    void* memory = std::aligned_alloc(kAlign, align_up(std::max<std::size_t>(arena_bytes_, 1)));
    if (!memory) fail(ErrorCode::kLimitExceeded, "out of memory allocating a ", arena_bytes_, "-byte arena");
    advise_huge_pages(memory, arena_bytes_);
    state->arena = {static_cast<std::byte*>(memory), std::free};
    state->tensors.resize(values_.size());
    for (std::size_t id = 0; id < values_.size(); ++id) {
        const auto& v = values_[id];
        if (v.kind == PlanValue::Kind::kArena)
            state->tensors[id] = Tensor::view(v.dtype, v.shape, state->arena.get() + v.offset);
        else if (v.kind == PlanValue::Kind::kConstant)
            state->tensors[id] = v.constant;
    }
    for (const auto& step : steps_) {
        auto& ins = state->step_inputs.emplace_back();
        for (int id : step.inputs)
            ins.push_back(id >= 0 ? &state->tensors[static_cast<std::size_t>(id)] : &empty_tensor());
        auto& outs = state->step_outputs.emplace_back();
        static Tensor unused_output;  // never written: kernels check has_out()
        for (int id : step.outputs)
            outs.push_back(id >= 0 ? &state->tensors[static_cast<std::size_t>(id)] : &unused_output);
    }
    return state;
}

void Plan::release_state(std::unique_ptr<RunState> state) const {
    for (int id : input_ids_)
        state->tensors[static_cast<std::size_t>(id)] = Tensor();
    std::lock_guard lock(pool_mutex_);
    if (pool_.size() < 16) pool_.push_back(std::move(state));
}

std::vector<Tensor> Plan::run(const std::vector<Tensor>& inputs, std::vector<double>* step_micros) const {
    auto state = acquire_state();
    struct Release {
        const Plan* plan;
        std::unique_ptr<RunState>& state;
        ~Release() {
            if (state) plan->release_state(std::move(state));
        }
    } release{this, state};

    for (std::size_t i = 0; i < input_ids_.size(); ++i)
        state->tensors[static_cast<std::size_t>(input_ids_[i])] = inputs[i];
    for (int id : output_ids_) {
        const auto& v = values_[static_cast<std::size_t>(id)];
        if (v.kind == PlanValue::Kind::kOutput)
            state->tensors[static_cast<std::size_t>(id)] = Tensor::empty(v.dtype, v.shape);
    }
    std::span<std::byte> scratch(state->arena.get() + scratch_offset_, scratch_bytes_);
    if (step_micros) step_micros->assign(steps_.size(), 0.0);
    // Small steps run on this thread alone (step.threads); the caller's count is restored at the end.
    struct RestoreThreads {
        int session, active;
        ~RestoreThreads() {
            if (active != session) set_thread_count(session);
        }
    } threads{current_thread_count(), current_thread_count()};
    for (std::size_t s = 0; s < steps_.size(); ++s) {
        const auto& step = steps_[s];
        const int wanted = std::min(step.threads, threads.session);
        if (wanted != threads.active) set_thread_count(threads.active = wanted);
        const auto t0 = step_micros ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
        try {
            step.kernel->run({state->step_inputs[s], state->step_outputs[s], scratch, nullptr});
        } catch (const Error& e) {
            rethrow_for(*step.node, e);
        }
        if (step_micros)
            (*step_micros)[s] =
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    }
    std::vector<Tensor> outputs;
    outputs.reserve(output_ids_.size());
    for (int id : output_ids_) {
        const auto& v = values_[static_cast<std::size_t>(id)];
        const Tensor& t = state->tensors[static_cast<std::size_t>(id)];
        // Constants and pass-through inputs are copied so callers own independent outputs.
        outputs.push_back(v.kind == PlanValue::Kind::kOutput ? t : t.clone());
    }
    for (int id : output_ids_)
        if (values_[static_cast<std::size_t>(id)].kind == PlanValue::Kind::kOutput)
            state->tensors[static_cast<std::size_t>(id)] = Tensor();
    return outputs;
}

}  // namespace konnx::runtime
