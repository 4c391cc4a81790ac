// SPDX-License-Identifier: MIT
// Keras -> ONNX entry points: reads the file, lists unsupported layers, walks the Keras graph in
// topological order (inlining nested models), calls one converter per layer class, names the graph's
// inputs/outputs after Keras's, and validates the result with onnx::checker and shape inference.
#include "konnx/convert.hpp"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/file.hpp"
#include "keras/convert_context.hpp"
#include "keras/model.hpp"
#include "konnx/version.hpp"
#include "onnx/model_io.hpp"

namespace konnx {
namespace {

using keras::ConvertContext;
using keras::InboundNode;
using keras::KerasModel;
using keras::KTensor;
using keras::Layer;
using keras::TensorRef;

bool is_unsupported_class(const Layer& l, const keras::LayerRegistry& reg) {
    if (l.nested || l.class_name == "InputLayer") return false;
    if (l.class_name == "Lambda" || l.class_name == "TFOpLambda" || l.class_name == "SlicingOpLambda") return true;
    if (!reg.find(l.class_name)) return true;
    return false;
}

void collect_unsupported(const KerasModel& m, const keras::LayerRegistry& reg, std::vector<std::string>& out) {
    for (const auto& l : m.layers) {
        if (l.nested) {
            collect_unsupported(*l.nested, reg, out);
            continue;
        }
        std::string cls = l.class_name;
        bool bad = is_unsupported_class(l, reg);
        if (!bad && l.config.contains("layer") && l.config["layer"].is_object()) {
            const std::string inner = l.config["layer"].value("class_name", "");
            if (!reg.find(inner) || inner == "Lambda") {
                bad = true;
                cls += "(" + inner + ")";
            }
        }
        if (!bad) continue;
        std::vector<std::string> keys;
        for (const auto& [k, v] : l.config.items())
            keys.push_back(k);
        out.push_back(cat("'", l.name, "' (", cls, "; config keys: ", join(keys, ", "), ")"));
    }
}

void count_classes(const KerasModel& m, std::map<std::string, int>& counts) {
    for (const auto& l : m.layers) {
        if (l.nested) count_classes(*l.nested, counts);
        ++counts[l.class_name];
    }
}

DType dtype_from_keras(const keras::json& config) {
    std::string d = config.contains("dtype") && config["dtype"].is_string() ? config["dtype"].get<std::string>()
                                                                            : std::string("float32");
    if (d == "int32") return DType::kInt32;
    if (d == "int64") return DType::kInt64;
    return DType::kFloat32;
}

class Driver {
public:
    Driver(graph::Graph& g, const ConvertOptions& opt, const KerasModel& root) : ctx_(g, opt, root), opt_(opt) {}

    std::vector<KTensor> convert(const KerasModel& m, const std::vector<KTensor>* bound) {
        std::map<TensorRef, KTensor> produced;
        // Nested models' node indices start at 1 (node 0 is their own internal call).
        std::map<std::string, int> offset;
        std::map<std::string, int> max_ref;
        auto note = [&](const TensorRef& r) { max_ref[r.layer] = std::max(max_ref[r.layer], r.node_index); };
        for (const auto& l : m.layers)
            for (const auto& n : l.inbound_nodes) {
                for (const auto& r : n.inputs)
                    note(r);
                for (const auto& [k, rs] : n.tensors)
                    for (const auto& r : rs)
                        note(r);
            }
        for (const auto& r : m.outputs)
            note(r);
        for (const auto& l : m.layers)
            offset[l.name] = l.nested && max_ref[l.name] >= static_cast<int>(l.inbound_nodes.size()) ? 1 : 0;
        auto key = [&](const TensorRef& r) {
            return TensorRef{r.layer, r.node_index - (offset.count(r.layer) ? offset[r.layer] : 0), r.tensor_index};
        };
        auto resolve = [&](const TensorRef& r) -> const KTensor* {
            auto it = produced.find(key(r));
            return it == produced.end() ? nullptr : &it->second;
        };

        // Inputs.
        for (std::size_t i = 0; i < m.inputs.size(); ++i) {
            const Layer* l = m.find(m.inputs[i].layer);
            check_model(l != nullptr, "model '", m.name, "' input '", m.inputs[i].layer, "' is not a layer");
            if (bound) {
                check_model(i < bound->size(), "nested model '", m.name, "' is called with too few inputs");
                produced[key(m.inputs[i])] = (*bound)[i];
            } else {
                produced[key(m.inputs[i])] = make_graph_input(*l);
            }
        }
        // Layer calls in dependency order.
        struct Call {
            const Layer* layer;
            std::size_t node;
        };
        std::vector<Call> pending;
        for (const auto& l : m.layers) {
            if (l.class_name == "InputLayer") continue;
            for (std::size_t n = 0; n < l.inbound_nodes.size(); ++n)
                pending.push_back({&l, n});
        }
        while (!pending.empty()) {
            std::vector<Call> next;
            for (const auto& call : pending) {
                const InboundNode& node = call.layer->inbound_nodes[call.node];
                std::vector<KTensor> ins;
                std::map<std::string, std::vector<KTensor>> kw;
                bool ready = true;
                for (const auto& r : node.inputs) {
                    const KTensor* t = resolve(r);
                    if (!t) {
                        ready = false;
                        break;
                    }
                    ins.push_back(*t);
                }
                for (const auto& [k, rs] : node.tensors)
                    for (const auto& r : rs) {
                        const KTensor* t = ready ? resolve(r) : nullptr;
                        if (!t) {
                            ready = false;
                            break;
                        }
                        kw[k].push_back(*t);
                    }
                if (!ready) {
                    next.push_back(call);
                    continue;
                }
                std::vector<KTensor> outs;
                if (call.layer->nested) {
                    for (const auto& [k, ts] : kw)
                        if (k != "mask") ins.insert(ins.end(), ts.begin(), ts.end());
                    outs = convert(*call.layer->nested, &ins);
                } else {
                    const auto* conv = keras::LayerRegistry::global().find(call.layer->class_name);
                    if (!conv)
                        fail(ErrorCode::kUnsupported, "layer '", call.layer->name, "' (", call.layer->class_name,
                             ") is not supported");
                    ctx_.begin_layer(*call.layer, &node, ins, kw);
                    (*conv)(ctx_);
                    outs = ctx_.end_layer();
                    // After a layer's last call its Keras weights are no longer needed: the IR holds
                    // its own (permuted) copies or shares the buffers.
                    if (++calls_done_[call.layer] == call.layer->inbound_nodes.size())
                        const_cast<Layer*>(call.layer)->weights.clear();
                    report_progress("convert", ++layer_calls_done_, layer_calls_total_);
                }
                for (std::size_t t = 0; t < outs.size(); ++t)
                    produced[TensorRef{call.layer->name, static_cast<int>(call.node), static_cast<int>(t)}] = outs[t];
            }
            if (next.size() == pending.size()) {
                std::vector<std::string> names;
                for (const auto& c : next)
                    names.push_back(c.layer->name);
                fail(ErrorCode::kInvalidModel, "model '", m.name, "': layers with unresolvable inputs (a cycle or ",
                     "a missing layer): ", join(names, ", "));
            }
            pending = std::move(next);
        }
        std::vector<KTensor> outs;
        for (const auto& r : m.outputs) {
            const KTensor* t = resolve(r);
            check_model(t != nullptr, "model '", m.name, "': output '", r.layer, "' [", r.node_index, ",",
                        r.tensor_index, "] is never computed");
            outs.push_back(*t);
        }
        return outs;
    }

    KTensor make_graph_input(const Layer& l) {
        const auto& c = l.config;
        check_model(c.contains("batch_shape") && c["batch_shape"].is_array(), "input layer '", l.name,
                    "' declares no shape");
        Shape shape;
        for (const auto& d : c["batch_shape"])
            shape.push_back(d.is_number_integer() ? d.get<int64_t>() : -1);
        check_model(!shape.empty(), "input layer '", l.name, "' has rank 0");
        if (opt_.batch_size > 0) shape[0] = opt_.batch_size;
        if (auto it = opt_.input_shapes.find(l.name); it != opt_.input_shapes.end()) {
            const auto& fix = it->second;
            const std::size_t off = fix.size() == shape.size() ? 0 : 1;
            if (fix.size() + off != shape.size())
                fail(ErrorCode::kInvalidArgument, "--input-shape for '", l.name, "' has ", fix.size(),
                     " dims, the input has rank ", shape.size());
            for (std::size_t i = 0; i < fix.size(); ++i)
                if (fix[i] > 0) shape[i + off] = fix[i];
        }
        KTensor t;
        t.shape = shape;
        t.dtype = dtype_from_keras(c);
        const bool nchw =
            std::find(opt_.inputs_as_nchw.begin(), opt_.inputs_as_nchw.end(), l.name) != opt_.inputs_as_nchw.end();
        t.perm = nchw ? keras::channels_first_perm(shape.size()) : keras::identity_perm(shape.size());
        t.value = l.name;
        graph::ValueInfo vi;
        vi.name = l.name;
        vi.dtype = t.dtype;
        vi.has_shape = true;
        const Shape phys = t.physical_shape();
        for (std::size_t i = 0; i < phys.size(); ++i) {
            Dim d;
            d.size = phys[i];
            if (d.size < 0) d.symbol = i == 0 ? "N" : cat(l.name, "_d", i);
            vi.shape.push_back(d);
        }
        ctx_.graph().inputs.push_back(vi);
        return t;
    }

    ConvertContext ctx_;
    const ConvertOptions& opt_;
    std::map<const Layer*, std::size_t> calls_done_;
    int64_t layer_calls_done_ = 0, layer_calls_total_ = 0;

    void report_progress(const char* stage, int64_t done, int64_t total) const {
        if (opt_.progress) opt_.progress({stage, std::min(done, total), total});
    }
};

/// Layer calls converting `m` takes: every call of every layer, a nested model's calls once per call of it.
int64_t count_layer_calls(const KerasModel& m) {
    int64_t n = 0;
    for (const auto& l : m.layers) {
        if (l.class_name == "InputLayer") continue;
        const auto calls = static_cast<int64_t>(l.inbound_nodes.size());
        n += l.nested ? calls * count_layer_calls(*l.nested) : calls;
    }
    return n;
}

void rename_value(graph::Graph& g, const std::string& from, const std::string& to) {
    for (auto& n : g.nodes) {
        for (auto& v : n.inputs)
            if (v == from) v = to;
        for (auto& v : n.outputs)
            if (v == from) v = to;
    }
}

/// Peepholes: Reshape(Reshape(x)) -> Reshape(x) (outer shape without 0 entries, which would copy dims of
/// the inner result), Transpose(Transpose(x)) -> one Transpose, or nothing when the two cancel.
void fuse_chains(graph::Graph& g) {
    std::map<std::string, std::size_t> producer;
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        for (const auto& o : g.nodes[i].outputs)
            producer[o] = i;
    std::set<std::string> outputs;
    for (const auto& o : g.outputs)
        outputs.insert(o.name);
    std::map<std::string, std::string> replace;  // value -> value (identity transposes)
    for (auto& n : g.nodes) {
        for (auto& in : n.inputs)
            if (auto it = replace.find(in); it != replace.end()) in = it->second;
        if (n.inputs.empty()) continue;
        auto it = producer.find(n.inputs[0]);
        if (it == producer.end()) continue;
        const graph::Node& inner = g.nodes[it->second];
        if (n.op_type == "Reshape" && inner.op_type == "Reshape" && n.inputs.size() == 2) {
            const Tensor* shape = g.find_initializer(n.inputs[1]);
            if (!shape) continue;
            const auto dims = shape->to_vector<int64_t>();
            if (std::find(dims.begin(), dims.end(), 0) != dims.end()) continue;
            n.inputs[0] = inner.inputs[0];
        } else if (n.op_type == "Transpose" && inner.op_type == "Transpose") {
            const auto* p2 = n.find_attr("perm");
            const auto* p1 = inner.find_attr("perm");
            if (!p1 || !p2 || p1->ints.size() != p2->ints.size()) continue;
            std::vector<int64_t> p(p2->ints.size());
            bool identity = true;
            for (std::size_t i = 0; i < p.size(); ++i) {
                p[i] = p1->ints[static_cast<std::size_t>(p2->ints[i])];
                identity = identity && p[i] == static_cast<int64_t>(i);
            }
            if (identity && !outputs.count(n.outputs[0])) {
                replace[n.outputs[0]] = inner.inputs[0];
                n.op_type = "Identity";  // now dead; removed below
                n.attributes.clear();
                n.inputs = {inner.inputs[0]};
                continue;
            }
            n.inputs[0] = inner.inputs[0];
            n.set_attr("perm", graph::Attribute::of_ints(p));
        }
    }
}

/// Drops nodes whose outputs nobody uses (e.g. a lazy Flatten that every consumer materialized), and
/// initializers left without users.
void remove_dead_nodes(graph::Graph& g) {
    std::set<std::string> used;
    for (const auto& o : g.outputs)
        used.insert(o.name);
    std::vector<bool> keep(g.nodes.size(), false);
    for (std::size_t i = g.nodes.size(); i-- > 0;) {
        const auto& n = g.nodes[i];
        bool live = false;
        for (const auto& o : n.outputs)
            live = live || used.count(o);
        if (!live) continue;
        keep[i] = true;
        for (const auto& in : n.inputs)
            used.insert(in);
    }
    std::vector<graph::Node> nodes;
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        if (keep[i]) nodes.push_back(std::move(g.nodes[i]));
    g.nodes = std::move(nodes);
    for (auto it = g.initializers.begin(); it != g.initializers.end();)
        it = used.count(it->first) ? std::next(it) : g.initializers.erase(it);
}

void validate(const std::string& bytes) {
    onnx::ModelProto proto;
    if (!proto.ParseFromString(bytes)) fail(ErrorCode::kInternal, "converter produced an unparsable ModelProto");
    try {
        onnx::checker::check_model(proto);
        onnx::ShapeInferenceOptions options(true, 1, false);
        onnx::shape_inference::InferShapes(proto, onnx::OpSchemaRegistry::Instance(), options);
    } catch (const std::exception& e) {
        std::string msg = e.what();
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        fail(ErrorCode::kInternal, "converted model fails ONNX validation: ", msg);
    }
}

/// The checker and shape inference only need the types and shapes of large weights: they are validated
/// as graph inputs instead of initializers, so validation never copies the weights (small initializers,
/// such as Reshape shapes, stay: shape inference reads them).
void validate_model(const graph::Model& model) {
    graph::Model stub = model;
    for (auto it = stub.graph.initializers.begin(); it != stub.graph.initializers.end();) {
        if (it->second.numel() <= 256) {
            ++it;
            continue;
        }
        graph::ValueInfo vi;
        vi.name = it->first;
        vi.dtype = it->second.dtype();
        vi.has_shape = true;
        for (auto d : it->second.shape())
            vi.shape.push_back(Dim{d, ""});
        stub.graph.inputs.push_back(vi);
        it = stub.graph.initializers.erase(it);
    }
    validate(onnxio::serialize_model(stub));
}

void append_varint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

std::size_t varint_size(uint64_t v) {
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

/// The bytes of a TensorProto up to its raw_data payload (fields in protobuf's canonical order: dims,
/// data_type, name, raw_data), so the payload can be written straight from the tensor's memory.
std::string tensor_head(const Tensor& t, const std::string& name) {
    std::string h;
    for (int64_t d : t.shape()) {
        h.push_back(static_cast<char>((1 << 3) | 0));
        append_varint(h, static_cast<uint64_t>(d));
    }
    h.push_back(static_cast<char>((2 << 3) | 0));
    append_varint(h, static_cast<uint64_t>(static_cast<int32_t>(t.dtype())));
    h.push_back(static_cast<char>((8 << 3) | 2));
    append_varint(h, name.size());
    h += name;
    h.push_back(static_cast<char>((9 << 3) | 2));
    append_varint(h, t.nbytes());
    return h;
}

/// Initializers stored in an external data file (ONNX external data): name -> offset in `location`.
struct ExternalPlan {
    std::string location;
    std::map<std::string, uint64_t> offsets;
};

/// TensorProto bytes for a tensor whose payload lives in the external file (dims, data_type, name,
/// external_data {location, offset, length}, data_location = EXTERNAL).
std::string tensor_external(const Tensor& t, const std::string& name, const std::string& location, uint64_t offset) {
    std::string h;
    for (int64_t d : t.shape()) {
        h.push_back(static_cast<char>((1 << 3) | 0));
        append_varint(h, static_cast<uint64_t>(d));
    }
    h.push_back(static_cast<char>((2 << 3) | 0));
    append_varint(h, static_cast<uint64_t>(static_cast<int32_t>(t.dtype())));
    h.push_back(static_cast<char>((8 << 3) | 2));
    append_varint(h, name.size());
    h += name;
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"location", location}, {"offset", std::to_string(offset)}, {"length", std::to_string(t.nbytes())}}) {
        std::string entry;
        entry.push_back(static_cast<char>((1 << 3) | 2));
        append_varint(entry, k.size());
        entry += k;
        entry.push_back(static_cast<char>((2 << 3) | 2));
        append_varint(entry, v.size());
        entry += v;
        h.push_back(static_cast<char>((13 << 3) | 2));
        append_varint(h, entry.size());
        h += entry;
    }
    h.push_back(static_cast<char>((14 << 3) | 0));
    append_varint(h, 1);  // EXTERNAL
    return h;
}

/// Writes the model without holding the weights twice: the model without initializers goes through
/// protobuf, then GraphProto.initializer entries (field 5) are emitted one tensor at a time inside
/// ModelProto.graph (field 7), payloads straight from the IR. `sink(data, size)` receives the bytes.
/// Initializers listed in `ext` are written as external-data references (their payload goes elsewhere).
template <class Sink>
void write_streaming(const graph::Model& model, Sink&& sink, const ExternalPlan* ext = nullptr) {
    graph::Model stub = model;
    stub.graph.initializers.clear();
    onnx::ModelProto m;
    if (!m.ParseFromString(onnxio::serialize_model(stub))) fail(ErrorCode::kInternal, "cannot re-parse the model");
    const std::string graph_head = m.graph().SerializeAsString();
    m.clear_graph();
    auto external = [&](const std::string& name) -> const uint64_t* {
        if (!ext) return nullptr;
        auto it = ext->offsets.find(name);
        return it == ext->offsets.end() ? nullptr : &it->second;
    };
    uint64_t graph_size = graph_head.size();
    for (const auto& [name, t] : model.graph.initializers) {
        const uint64_t* off = external(name);
        const uint64_t n =
            off ? tensor_external(t, name, ext->location, *off).size() : tensor_head(t, name).size() + t.nbytes();
        graph_size += 1 + varint_size(n) + n;
    }
    std::string head = m.SerializeAsString();
    head.push_back(static_cast<char>((7 << 3) | 2));
    append_varint(head, graph_size);
    head += graph_head;
    sink(head.data(), head.size());
    for (const auto& [name, t] : model.graph.initializers) {
        const uint64_t* off = external(name);
        const std::string th = off ? tensor_external(t, name, ext->location, *off) : tensor_head(t, name);
        std::string entry(1, static_cast<char>((5 << 3) | 2));
        append_varint(entry, th.size() + (off ? 0 : t.nbytes()));
        entry += th;
        sink(entry.data(), entry.size());
        if (!off) sink(static_cast<const char*>(t.raw()), t.nbytes());
    }
}

/// Protobuf messages cannot exceed 2 GiB: above this many weight bytes the file uses external data.
uint64_t external_data_threshold() {
    if (const char* v = std::getenv("KONNX_EXTERNAL_DATA_BYTES")) return std::strtoull(v, nullptr, 10);  // tests
    return uint64_t{1800} << 20;
}

uint64_t weight_bytes(const graph::Model& model) {
    uint64_t n = 0;
    for (const auto& [name, t] : model.graph.initializers)
        n += t.nbytes();
    return n;
}

std::string serialize_streaming(const graph::Model& model) {
    if (weight_bytes(model) > external_data_threshold())
        fail(ErrorCode::kLimitExceeded, "the model's weights exceed what one ONNX protobuf can hold (2 GB): write ",
             "it to a file (convert_keras_file / konnx convert), which uses ONNX external data");
    std::string out;
    write_streaming(model, [&](const char* p, std::size_t n) { out.append(p, n); });
    return out;
}

/// Writes `<path>.tmp-<pid>` through `body(FILE*)` (false on write errors), flushed and fsynced, and returns
/// that name; on any failure the temporary file is removed and `path` is never touched.
template <class Body>
std::string write_temporary(const std::string& path, Body&& body) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) fail(ErrorCode::kCannotCreate, "cannot create ", path, ": ", std::strerror(errno));
    bool ok = true;
    try {
        ok = body(f);
    } catch (...) {
        std::fclose(f);
        std::remove(tmp.c_str());
        throw;
    }
    ok = ok && std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
    const int write_errno = errno;
    ok = std::fclose(f) == 0 && ok;
    if (!ok) {
        std::remove(tmp.c_str());
        fail(ErrorCode::kIo, "cannot write ", path, ": ", std::strerror(write_errno ? write_errno : errno));
    }
    return tmp;
}

/// Replaces `path` by the finished temporary file in one rename.
void commit(const std::string& tmp, const std::string& path) {
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        fail(ErrorCode::kCannotCreate, "cannot create ", path, ": ", std::strerror(err));
    }
}

/// Streams the model into `path` atomically: peak memory stays at the IR. Above the protobuf limit, weights
/// of 1 KiB or more go to `<path>.data` (4 KiB aligned) as ONNX external data.
void write_model_file(const graph::Model& model, const std::string& path, const ConvertOptions& options) {
    ExternalPlan plan;
    const uint64_t weights = weight_bytes(model);
    const bool use_external = weights > external_data_threshold();
    // Progress counts bytes of both files against the weights' size (the graph itself is small beside them).
    const auto total = static_cast<int64_t>(weights) + 1;
    int64_t written = 0, reported = 0;
    auto wrote = [&](std::size_t n) {
        written += static_cast<int64_t>(n);
        if (options.progress && written - reported >= (int64_t{1} << 22)) {
            reported = written;
            options.progress({"write", std::min(written, total), total});
        }
    };
    // Both files are written completely before either existing file is replaced, so a failed or interrupted
    // conversion leaves an earlier output (and its .data) exactly as it was.
    std::string data_path, data_tmp;
    if (use_external) {
        plan.location = std::filesystem::path(path).filename().string() + ".data";
        uint64_t off = 0;
        for (const auto& [name, t] : model.graph.initializers) {
            if (t.nbytes() < 1024) continue;
            plan.offsets[name] = off;
            off = (off + t.nbytes() + 4095) / 4096 * 4096;
        }
        data_path = (std::filesystem::path(path).parent_path() / plan.location).string();
        data_tmp = write_temporary(data_path, [&](FILE* f) {
            uint64_t pos = 0;
            static const char zeros[4096] = {};
            for (const auto& [name, t] : model.graph.initializers) {
                auto it = plan.offsets.find(name);
                if (it == plan.offsets.end()) continue;
                if (it->second > pos && std::fwrite(zeros, 1, it->second - pos, f) != it->second - pos) return false;
                if (std::fwrite(t.raw(), 1, t.nbytes(), f) != t.nbytes()) return false;
                wrote(t.nbytes());
                pos = it->second + t.nbytes();
            }
            return true;
        });
    }
    std::string model_tmp;
    try {
        model_tmp = write_temporary(path, [&](FILE* f) {
            bool ok = true;
            write_streaming(
                model,
                [&](const char* p, std::size_t n) {
                    ok = ok && std::fwrite(p, 1, n, f) == n;
                    wrote(n);
                },
                use_external ? &plan : nullptr);
            return ok;
        });
        if (use_external) commit(data_tmp, data_path);  // data first: the new model never points at old data
    } catch (...) {
        if (!data_tmp.empty()) std::remove(data_tmp.c_str());
        if (!model_tmp.empty()) std::remove(model_tmp.c_str());
        throw;
    }
    commit(model_tmp, path);
    if (options.progress) options.progress({"write", total, total});
}

/// The converted IR and its report (convert_keras serializes it, convert_keras_file streams it to disk).
struct Converted {
    graph::Model model;
    ConvertReport report;
};

}  // namespace

namespace {

Converted convert_internal(const std::string& path, const ConvertOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    if (options.opset < 13 || options.opset > 17)
        fail(ErrorCode::kUnsupported, "opset ", options.opset, " is not supported (13 to 17)");
    if (options.progress) options.progress({"read", 0, 1});
    KerasModel model = keras::read_keras_model(path, options.weights_path);
    if (options.progress) options.progress({"read", 1, 1});
    const auto& reg = keras::LayerRegistry::global();

    std::vector<std::string> bad;
    collect_unsupported(model, reg, bad);
    if (!bad.empty())
        fail(ErrorCode::kUnsupported, path, ": cannot convert ", bad.size(), " unsupported layer(s) (Lambda and ",
             "custom layers hold Python code that konnx never runs): ", join(bad, "; "));

    graph::Model onnx_model;
    onnx_model.ir_version = 8;
    onnx_model.opsets = {{"", options.opset}};
    onnx_model.producer_name = "konnx";
    onnx_model.producer_version = version();
    onnx_model.metadata = {{"keras_version", model.keras_version},
                           {"backend", model.backend},
                           {"source", std::filesystem::path(path).filename().string()}};
    graph::Graph& g = onnx_model.graph;
    g.name = model.name.empty() ? "keras_model" : model.name;

    const int64_t parameters = model.parameter_count();  // before the driver releases weights
    Driver driver(g, options, model);
    driver.layer_calls_total_ = count_layer_calls(model);
    // Reserve the interface names so internal values never take them.
    std::vector<std::string> out_names;
    for (const auto& r : model.inputs)
        driver.ctx_.unique_value(r.layer);
    {
        std::map<std::string, int> uses;
        for (const auto& r : model.outputs)
            ++uses[r.layer];
        for (const auto& r : model.outputs) {
            std::string n = uses[r.layer] > 1 ? cat(r.layer, ":", r.tensor_index) : r.layer;
            out_names.push_back(driver.ctx_.unique_value(n));
        }
    }
    std::vector<KTensor> outs = driver.convert(model, nullptr);

    std::set<std::string> renamed;
    std::map<std::string, std::string> output_of;  // value -> the graph output it was renamed to
    for (std::size_t i = 0; i < outs.size(); ++i) {
        Layer dummy;
        dummy.name = out_names[i];
        dummy.class_name = "output";
        driver.ctx_.begin_layer(dummy, nullptr, {}, {});
        const std::string value = driver.ctx_.as_keras(outs[i]);
        // Two Keras outputs can be one value (an RNN's last output and its returned state h): the second
        // becomes an Identity of the first graph output.
        std::string v = output_of.count(value) ? output_of[value] : value;
        bool is_input = false;
        for (const auto& in : g.inputs)
            is_input = is_input || in.name == v;
        if (is_input || renamed.count(v) || g.initializers.count(v)) {
            driver.ctx_.emit1("Identity", {v});
            v = g.nodes.back().outputs[0];
        }
        rename_value(g, v, out_names[i]);
        renamed.insert(out_names[i]);
        output_of.emplace(value, out_names[i]);
        graph::ValueInfo vi;
        vi.name = out_names[i];
        vi.dtype = outs[i].dtype;
        vi.has_shape = true;
        for (std::size_t a = 0; a < outs[i].shape.size(); ++a) {
            Dim d;
            d.size = a == 0 && options.batch_size <= 0 ? -1 : outs[i].shape[a];
            if (d.size < 0 && a == 0) d.symbol = "N";
            vi.shape.push_back(d);
        }
        g.outputs.push_back(vi);
    }

    fuse_chains(g);
    remove_dead_nodes(g);
    Converted result;
    auto& rep = result.report;
    rep.keras_version = model.keras_version;
    rep.backend = model.backend;
    std::map<std::string, int> classes, ops;
    count_classes(model, classes);
    for (const auto& n : g.nodes)
        ++ops[n.op_type];
    rep.layers_by_class.assign(classes.begin(), classes.end());
    rep.nodes_by_op.assign(ops.begin(), ops.end());
    rep.parameters = parameters;
    model = KerasModel{};  // the Keras weights are no longer needed (the IR holds its own or shares them)
    validate_model(onnx_model);
    rep.transposes_left = ops.count("Transpose") ? ops["Transpose"] : 0;
    result.model = std::move(onnx_model);
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

}  // namespace

ConvertResult convert_keras(const std::string& path, const ConvertOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    Converted c = convert_internal(path, options);
    ConvertResult r;
    r.onnx_bytes = serialize_streaming(c.model);
    r.report = std::move(c.report);
    r.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

ConvertReport convert_keras_file(const std::string& path, const std::string& output_path,
                                 const ConvertOptions& options) {
    std::error_code ec;
    if (std::filesystem::exists(output_path, ec) && std::filesystem::exists(path, ec) &&
        std::filesystem::equivalent(path, output_path, ec))
        fail(ErrorCode::kInvalidArgument, output_path, ": refusing to overwrite the input file");
    if (!options.weights_path.empty() && std::filesystem::exists(output_path, ec) &&
        std::filesystem::equivalent(options.weights_path, output_path, ec))
        fail(ErrorCode::kInvalidArgument, output_path, ": refusing to overwrite the weights file");
    const auto t0 = std::chrono::steady_clock::now();
    Converted c = convert_internal(path, options);
    write_model_file(c.model, output_path, options);
    c.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return c.report;
}

}  // namespace konnx
