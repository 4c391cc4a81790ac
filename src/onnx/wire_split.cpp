// SPDX-License-Identifier: MIT
#include "onnx/wire_split.hpp"

#include <cstdint>

namespace konnx::onnxio {
namespace {

// Field numbers from onnx.proto.
constexpr uint32_t kModelGraph = 7;
constexpr uint32_t kGraphInitializer = 5;
constexpr uint32_t kTensorRawData = 9;

struct Field {
    uint32_t number = 0;
    uint32_t wire_type = 0;
    std::size_t begin = 0;    ///< first byte of the tag
    std::size_t end = 0;      ///< one past the field's last byte
    std::size_t payload = 0;  ///< first byte of a length-delimited payload
};

class Reader {
public:
    explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
    bool done() const { return pos_ >= bytes_.size(); }

    /// Reads the next field; false on malformed input.
    bool next(Field& f) {
        f.begin = pos_;
        uint64_t tag = 0;
        if (!varint(tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1FFFFFFF) return false;
        f.number = static_cast<uint32_t>(tag >> 3);
        f.wire_type = static_cast<uint32_t>(tag & 7);
        uint64_t skip = 0;
        switch (f.wire_type) {
            case 0: {
                uint64_t ignored = 0;
                if (!varint(ignored)) return false;
                break;
            }
            case 1: skip = 8; break;
            case 5: skip = 4; break;
            case 2:
                if (!varint(skip)) return false;
                f.payload = pos_;
                break;
            default: return false;  // groups (3, 4) and invalid types
        }
        if (skip > bytes_.size() - pos_) return false;
        pos_ += static_cast<std::size_t>(skip);
        f.end = pos_;
        return true;
    }

private:
    bool varint(uint64_t& v) {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= bytes_.size()) return false;
            const auto b = static_cast<uint8_t>(bytes_[pos_++]);
            v |= static_cast<uint64_t>(b & 0x7F) << shift;
            if (!(b & 0x80)) return true;
        }
        return false;
    }

    std::span<const std::byte> bytes_;
    std::size_t pos_ = 0;
};

void append(std::string& out, std::span<const std::byte> bytes, const Field& f) {
    out.append(reinterpret_cast<const char*>(bytes.data()) + f.begin, f.end - f.begin);
}

std::optional<SplitInitializer> split_tensor(std::span<const std::byte> bytes) {
    SplitInitializer t;
    Reader r(bytes);
    Field f;
    while (!r.done()) {
        if (!r.next(f)) return std::nullopt;
        if (f.number == kTensorRawData) {
            if (f.wire_type != 2 || t.has_raw) return std::nullopt;  // a repeated raw_data: let protobuf merge
            t.has_raw = true;
            t.raw = bytes.subspan(f.payload, f.end - f.payload);
        } else {
            append(t.stripped, bytes, f);
        }
    }
    return t;
}

}  // namespace

std::optional<SplitModel> split_model(std::span<const std::byte> bytes) {
    SplitModel split;
    std::span<const std::byte> graph;
    bool has_graph = false;
    Reader model(bytes);
    Field f;
    while (!model.done()) {
        if (!model.next(f)) return std::nullopt;
        if (f.number == kModelGraph) {
            if (f.wire_type != 2 || has_graph) return std::nullopt;  // protobuf would merge two graphs
            has_graph = true;
            graph = bytes.subspan(f.payload, f.end - f.payload);
        } else {
            append(split.model, bytes, f);
        }
    }
    if (!has_graph) return std::nullopt;
    Reader g(graph);
    while (!g.done()) {
        if (!g.next(f)) return std::nullopt;
        if (f.number == kGraphInitializer) {
            if (f.wire_type != 2) return std::nullopt;
            auto t = split_tensor(graph.subspan(f.payload, f.end - f.payload));
            if (!t) return std::nullopt;
            split.initializers.push_back(std::move(*t));
        } else {
            append(split.graph, graph, f);
        }
    }
    return split;
}

}  // namespace konnx::onnxio
