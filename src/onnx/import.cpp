// SPDX-License-Identifier: MIT
// ModelProto -> IR. Everything from the file is untrusted: sizes are checked before allocating,
// and external data must stay inside the model's folder.
#include <onnx/onnx_pb.h>

#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "core/error.hpp"
#include "core/file.hpp"
#include "core/memory.hpp"
#include "core/shape.hpp"
#include "konnx/sequence.hpp"
#include "konnx/string_tensor.hpp"
#include "onnx/model_io.hpp"
#include "onnx/wire_split.hpp"

namespace konnx::onnxio {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxGraphDepth = 64;  // nested subgraphs (If/Loop bodies)

struct ImportContext {
    std::string base_dir;  // "" = no external data allowed
    int depth = 0;
    std::shared_ptr<const MappedFile> file;  // the model's mapping, when tensors may view it in place
    std::map<std::string, std::shared_ptr<const MappedFile>> external;  // external data files, mapped once
};

// A tensor over `bytes`: in place when they live in a mapping and are aligned for the element type
// (kernels may use aligned vector loads), else copied into 64-byte-aligned memory (allocate_load_memory).
Tensor tensor_over(DType dtype, Shape shape, std::span<const std::byte> bytes,
                   const std::shared_ptr<const MappedFile>& file) {
    const auto address = reinterpret_cast<std::uintptr_t>(bytes.data());
    if (file && !bytes.empty() && address % dtype_size(dtype) == 0 && file->contains(bytes.data(), bytes.size())) {
        // Aliasing shared_ptr: owns the mapping, points at the data. The mapping is read-only.
        auto* data = const_cast<std::byte*>(bytes.data());
        return Tensor::wrap(dtype, std::move(shape),
                            std::shared_ptr<void>(std::const_pointer_cast<MappedFile>(file), data), data);
    }
    Tensor t = empty_load_tensor(dtype, std::move(shape));
    if (!bytes.empty()) std::memcpy(t.raw(), bytes.data(), bytes.size());
    if (file) file->release(bytes.data(), bytes.size());  // copied: the mapped pages are not needed again
    return t;
}

DType to_dtype(int32_t data_type, const std::string& what) {
    const auto dtype = static_cast<DType>(data_type);
    if (dtype_is_known(dtype)) return dtype;
    // 0 (UNDEFINED) is what an empty or damaged TensorProto decodes to: bad data, not an unsupported type.
    if (dtype == DType::kUndefined) fail(ErrorCode::kInvalidModel, what, ": has no element type (damaged tensor?)");
    if (dtype == DType::kString) fail(ErrorCode::kUnsupported, what, ": string tensors are not supported");
    fail(ErrorCode::kUnsupported, what, ": element type ", data_type, " is not supported");
}

// Copies repeated typed fields into the tensor, narrowing as ONNX's spec describes
// (int32_data carries all small ints, bool and the raw bits of float16/bfloat16).
template <class Repeated>
void copy_field(const Repeated& field, Tensor& t, const std::string& what) {
    if (field.size() != t.numel())
        fail(ErrorCode::kInvalidModel, what, ": has ", field.size(), " values for shape ", shape_str(t.shape()));
    const auto n = static_cast<std::size_t>(t.numel());
    auto store = [&]<class T>() {
        T* out = t.data<T>();
        for (std::size_t i = 0; i < n; ++i)
            out[i] = static_cast<T>(field.Get(static_cast<int>(i)));
    };
    switch (t.dtype()) {
        case DType::kFloat32: store.template operator()<float>(); break;
        case DType::kFloat64: store.template operator()<double>(); break;
        case DType::kInt8: store.template operator()<int8_t>(); break;
        case DType::kInt16: store.template operator()<int16_t>(); break;
        case DType::kInt32: store.template operator()<int32_t>(); break;
        case DType::kInt64: store.template operator()<int64_t>(); break;
        case DType::kUInt8: store.template operator()<uint8_t>(); break;
        case DType::kUInt16: store.template operator()<uint16_t>(); break;
        case DType::kUInt32: store.template operator()<uint32_t>(); break;
        case DType::kUInt64: store.template operator()<uint64_t>(); break;
        case DType::kBool: store.template operator()<bool>(); break;
        case DType::kFloat16:
        case DType::kBFloat16: {
            auto* out = t.data<uint16_t>();
            for (std::size_t i = 0; i < n; ++i)
                out[i] = static_cast<uint16_t>(field.Get(static_cast<int>(i)));
            break;
        }
        default: fail(ErrorCode::kUnsupported, what, ": unsupported element type");
    }
}

int64_t parse_count(const std::string& text, const std::string& what) {
    int64_t v = 0;
    if (text.empty() || text.size() > 18)
        fail(ErrorCode::kInvalidModel, what, ": bad external data offset/length '", text, "'");
    for (char c : text) {
        if (c < '0' || c > '9') fail(ErrorCode::kInvalidModel, what, ": bad external data offset/length '", text, "'");
        v = v * 10 + (c - '0');
    }
    return v;
}

std::string external_path(const onnx::TensorProto& proto, const ImportContext& ctx, const std::string& what,
                          int64_t& offset, int64_t& length) {
    std::string location;
    offset = 0;
    length = -1;
    for (const auto& entry : proto.external_data()) {
        if (entry.key() == "location")
            location = entry.value();
        else if (entry.key() == "offset")
            offset = parse_count(entry.value(), what);
        else if (entry.key() == "length")
            length = parse_count(entry.value(), what);
    }
    if (ctx.base_dir.empty())
        fail(ErrorCode::kInvalidModel, what, ": uses external data, which needs the model to be loaded from a file");
    if (location.empty()) fail(ErrorCode::kInvalidModel, what, ": external data has no location");
    const fs::path rel(location);
    if (rel.is_absolute())
        fail(ErrorCode::kInvalidModel, what, ": external data location '", location, "' must be relative to the model");
    // Resolve symlinks and '..' and insist the result stays inside the model's folder.
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(fs::path(ctx.base_dir), ec);
    const fs::path full = fs::weakly_canonical(base / rel, ec);
    const auto base_str = base.string() + "/";
    if (ec || full.string().compare(0, base_str.size(), base_str) != 0)
        fail(ErrorCode::kInvalidModel, what, ": external data location '", location,
             "' points outside the model's folder");
    return full.string();
}

/// `split_raw`: the tensor's raw_data when the splitter took it out of `proto` (bytes in ctx.file or
/// in the caller's buffer).
Tensor to_tensor(const onnx::TensorProto& proto, ImportContext& ctx,
                 const std::optional<std::span<const std::byte>>& split_raw = std::nullopt) {
    const std::string what = cat("tensor '", proto.name(), "'");
    if (proto.data_type() == onnx::TensorProto::STRING) {
        Shape dims(proto.dims().begin(), proto.dims().end());
        if (proto.string_data_size() != checked_numel(dims))
            fail(ErrorCode::kInvalidModel, what, ": has ", proto.string_data_size(), " strings for shape ",
                 shape_str(dims));
        return make_string_tensor(std::move(dims), {proto.string_data().begin(), proto.string_data().end()});
    }
    const DType dtype = to_dtype(proto.data_type(), what);
    Shape shape(proto.dims().begin(), proto.dims().end());
    try {
        checked_numel(shape);
    } catch (const Error& e) {
        throw Error(e.code(), cat(what, ": ", e.what()));
    }
    const std::size_t nbytes = checked_nbytes(checked_numel(shape), dtype);
    if (proto.has_data_location() && proto.data_location() == onnx::TensorProto::EXTERNAL) {
        int64_t offset = 0, length = -1;
        const std::string path = external_path(proto, ctx, what, offset, length);
        auto& file = ctx.external[path];
        if (!file) file = MappedFile::open(path);
        const auto bytes = file->bytes();
        if (offset < 0 || static_cast<std::size_t>(offset) > bytes.size() ||
            (length >= 0 && static_cast<std::size_t>(length) != nbytes) ||
            bytes.size() - static_cast<std::size_t>(offset) < nbytes)
            fail(ErrorCode::kInvalidModel, what, ": external data range (offset ", offset, ", ", nbytes,
                 " bytes) does not fit in '", fs::path(path).filename().string(), "' (", bytes.size(),
                 " bytes) for shape ", shape_str(shape));
        return tensor_over(dtype, std::move(shape), bytes.subspan(static_cast<std::size_t>(offset), nbytes), file);
    }
    if (split_raw) {
        if (split_raw->size() != nbytes)
            fail(ErrorCode::kInvalidModel, what, ": raw_data has ", split_raw->size(), " bytes, shape ",
                 shape_str(shape), " needs ", nbytes);
        return tensor_over(dtype, std::move(shape), *split_raw, ctx.file);
    }
    // The data must be there before the tensor is allocated: a 24-byte TensorProto declaring 9 GB of
    // elements and no data made konnx allocate 9 GB (found by fuzz_tensor).
    if (proto.has_raw_data()) {
        if (proto.raw_data().size() != nbytes)
            fail(ErrorCode::kInvalidModel, what, ": raw_data has ", proto.raw_data().size(), " bytes, shape ",
                 shape_str(shape), " needs ", nbytes);
        Tensor t = Tensor::empty(dtype, shape);
        if (nbytes) std::memcpy(t.raw(), proto.raw_data().data(), nbytes);
        return t;
    }
    const int values = dtype == DType::kFloat32                             ? proto.float_data_size()
                       : dtype == DType::kFloat64                           ? proto.double_data_size()
                       : dtype == DType::kInt64                             ? proto.int64_data_size()
                       : dtype == DType::kUInt32 || dtype == DType::kUInt64 ? proto.uint64_data_size()
                                                                            : proto.int32_data_size();
    if (values != checked_numel(shape))
        fail(ErrorCode::kInvalidModel, what, ": has ", values, " values for shape ", shape_str(shape));
    Tensor t = Tensor::empty(dtype, shape);
    switch (dtype) {
        case DType::kFloat32: copy_field(proto.float_data(), t, what); break;
        case DType::kFloat64: copy_field(proto.double_data(), t, what); break;
        case DType::kInt64: copy_field(proto.int64_data(), t, what); break;
        case DType::kUInt32:
        case DType::kUInt64: copy_field(proto.uint64_data(), t, what); break;
        default: copy_field(proto.int32_data(), t, what); break;
    }
    return t;
}

graph::ValueInfo to_value_info(const onnx::ValueInfoProto& proto) {
    graph::ValueInfo info;
    info.name = proto.name();
    info.doc_string = proto.doc_string();
    if (proto.type().has_sequence_type()) {
        info.dtype = kSequenceType;  // element types are checked by the ops that read the items
    } else if (proto.type().has_optional_type()) {
        info.dtype = kOptionalType;
    } else if (proto.type().has_map_type()) {
        info.dtype = kMapType;  // key and value types are checked by the ops that read it
    } else if (proto.type().has_tensor_type()) {
        const auto& tt = proto.type().tensor_type();
        info.dtype = static_cast<DType>(tt.elem_type());
        if (tt.has_shape()) {
            info.has_shape = true;
            for (const auto& d : tt.shape().dim()) {
                Dim dim;
                if (d.has_dim_value())
                    dim.size = d.dim_value();
                else if (d.has_dim_param())
                    dim.symbol = d.dim_param();
                info.shape.push_back(dim);
            }
        }
    }
    return info;
}

graph::Graph to_graph(const onnx::GraphProto& proto, ImportContext& ctx, const SplitModel* split = nullptr);

graph::Attribute to_attribute(const onnx::AttributeProto& proto, ImportContext& ctx, const std::string& where) {
    using K = graph::Attribute::Kind;
    graph::Attribute a;
    switch (proto.type()) {
        case onnx::AttributeProto::FLOAT:
            a.kind = K::kFloat;
            a.f = proto.f();
            break;
        case onnx::AttributeProto::INT:
            a.kind = K::kInt;
            a.i = proto.i();
            break;
        case onnx::AttributeProto::STRING:
            a.kind = K::kString;
            a.s = proto.s();
            break;
        case onnx::AttributeProto::TENSOR:
            a.kind = K::kTensor;
            a.t = to_tensor(proto.t(), ctx);
            break;
        case onnx::AttributeProto::GRAPH:
            a.kind = K::kGraph;
            a.g = std::make_shared<graph::Graph>(to_graph(proto.g(), ctx));
            break;
        case onnx::AttributeProto::FLOATS:
            a.kind = K::kFloats;
            a.floats.assign(proto.floats().begin(), proto.floats().end());
            break;
        case onnx::AttributeProto::INTS:
            a.kind = K::kInts;
            a.ints.assign(proto.ints().begin(), proto.ints().end());
            break;
        case onnx::AttributeProto::STRINGS:
            a.kind = K::kStrings;
            a.strings.assign(proto.strings().begin(), proto.strings().end());
            break;
        case onnx::AttributeProto::TENSORS:
            a.kind = K::kTensors;
            for (const auto& t : proto.tensors())
                a.tensors.push_back(to_tensor(t, ctx));
            break;
        case onnx::AttributeProto::GRAPHS:
            a.kind = K::kGraphs;
            for (const auto& g : proto.graphs())
                a.graphs.push_back(std::make_shared<graph::Graph>(to_graph(g, ctx)));
            break;
        default:
            // Sparse tensors and type protos: keep the attribute undefined; ops that need them report it.
            break;
    }
    (void)where;
    return a;
}

/// `split`: the main graph's initializers were taken out of `proto` by split_model().
graph::Graph to_graph(const onnx::GraphProto& proto, ImportContext& ctx, const SplitModel* split) {
    if (++ctx.depth > kMaxGraphDepth)
        fail(ErrorCode::kLimitExceeded, "subgraphs are nested more than ", kMaxGraphDepth, " deep");
    graph::Graph g;
    g.name = proto.name();
    g.doc_string = proto.doc_string();
    auto add_initializer = [&](const onnx::TensorProto& t, const std::optional<std::span<const std::byte>>& raw) {
        if (g.initializers.count(t.name()))
            fail(ErrorCode::kInvalidModel, "initializer '", t.name(), "' is defined twice");
        g.initializers.emplace(t.name(), to_tensor(t, ctx, raw));
    };
    for (const auto& t : proto.initializer())
        add_initializer(t, std::nullopt);
    if (split) {
        onnx::TensorProto t;
        for (const auto& init : split->initializers) {
            t.Clear();
            if (!t.ParseFromString(init.stripped))
                fail(ErrorCode::kInvalidModel, "not a valid ONNX model (an initializer does not parse)");
            add_initializer(t, init.has_raw ? std::optional(init.raw) : std::nullopt);
        }
    }
    if (proto.sparse_initializer_size() > 0) fail(ErrorCode::kUnsupported, "sparse initializers are not supported");
    for (const auto& v : proto.input())
        g.inputs.push_back(to_value_info(v));
    for (const auto& v : proto.output())
        g.outputs.push_back(to_value_info(v));
    for (const auto& v : proto.value_info())
        g.value_info.push_back(to_value_info(v));
    g.nodes.reserve(static_cast<std::size_t>(proto.node_size()));
    for (const auto& n : proto.node()) {
        graph::Node node;
        node.name = n.name();
        node.op_type = n.op_type();
        node.domain = n.domain() == "ai.onnx" ? "" : n.domain();
        node.doc_string = n.doc_string();
        node.inputs.assign(n.input().begin(), n.input().end());
        node.outputs.assign(n.output().begin(), n.output().end());
        for (const auto& attr : n.attribute()) {
            if (!attr.ref_attr_name().empty())
                fail(ErrorCode::kUnsupported, node.describe(), ": attribute references (functions) are not supported");
            node.attributes.emplace_back(attr.name(), to_attribute(attr, ctx, node.describe()));
        }
        g.nodes.push_back(std::move(node));
    }
    --ctx.depth;
    return g;
}

}  // namespace

namespace {

bool parse_proto(google::protobuf::MessageLite& proto, const void* data, std::size_t size) {
    google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(data), static_cast<int>(size));
    stream.SetTotalBytesLimit(INT_MAX);
    stream.SetRecursionLimit(kMaxGraphDepth * 4);
    return proto.ParseFromCodedStream(&stream) && stream.ConsumedEntireMessage();
}

graph::Model parse_model_impl(std::span<const std::byte> bytes, const std::string& base_dir,
                              const std::shared_ptr<const MappedFile>& file) {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
        fail(ErrorCode::kLimitExceeded, "model files over 2 GB must keep their weights as external data");
    constexpr const char* kBadModel = "not a valid ONNX model (protobuf parse failed; truncated or not an .onnx file)";
    // Fast path: protobuf parses only the small pieces; raw_data stays where it is (see wire_split.hpp).
    const auto split = split_model(bytes);
    onnx::ModelProto proto;
    onnx::GraphProto split_graph;
    if (split) {
        if (!parse_proto(proto, split->model.data(), split->model.size()) ||
            !parse_proto(split_graph, split->graph.data(), split->graph.size()))
            fail(ErrorCode::kInvalidModel, kBadModel);
    } else {
        if (!parse_proto(proto, bytes.data(), bytes.size())) fail(ErrorCode::kInvalidModel, kBadModel);
        if (!proto.has_graph()) fail(ErrorCode::kInvalidModel, "not a valid ONNX model (no graph)");
    }

    graph::Model model;
    model.ir_version = proto.ir_version();
    model.producer_name = proto.producer_name();
    model.producer_version = proto.producer_version();
    model.domain = proto.domain();
    model.model_version = proto.model_version();
    model.doc_string = proto.doc_string();
    for (const auto& o : proto.opset_import())
        model.opsets.push_back({o.domain() == "ai.onnx" ? "" : o.domain(), o.version()});
    if (model.opsets.empty() && model.ir_version < 3) model.opsets.push_back({"", 1});
    for (const auto& p : proto.metadata_props())
        model.metadata.emplace_back(p.key(), p.value());
    if (proto.functions_size() > 0) fail(ErrorCode::kUnsupported, "model-local functions are not supported");
    ImportContext ctx{base_dir, 0, file, {}};
    model.graph = split ? to_graph(split_graph, ctx, &*split) : to_graph(proto.graph(), ctx);
    return model;
}

}  // namespace

graph::Model parse_model(std::span<const std::byte> bytes, const std::string& base_dir) {
    return parse_model_impl(bytes, base_dir, nullptr);
}

graph::Model load_model(const std::string& path) {
    // mmap instead of read(): weights are used in place (tensor_over), nothing is copied twice.
    const auto file = MappedFile::open(path);
    const std::string dir = fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string();
    try {
        return parse_model_impl(file->bytes(), dir, file);
    } catch (const Error& e) {
        throw Error(e.code(), cat(path, ": ", e.what()));
    }
}

Tensor parse_tensor(std::span<const std::byte> bytes, std::string* name) {
    onnx::TensorProto proto;
    if (bytes.size() > static_cast<std::size_t>(INT_MAX) ||
        !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        fail(ErrorCode::kInvalidModel, "not a valid ONNX TensorProto");
    if (name) *name = proto.name();
    ImportContext ctx{"", 0};
    return to_tensor(proto, ctx);
}

Tensor read_tensor(const std::string& path, std::string* name) {
    const auto bytes = read_file(path);
    try {
        return parse_tensor(bytes, name);
    } catch (const Error& e) {
        throw Error(e.code(), cat(path, ": ", e.what()));
    }
}

}  // namespace konnx::onnxio
