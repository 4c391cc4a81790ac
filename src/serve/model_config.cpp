// SPDX-License-Identifier: MIT
#include "serve/model_config.hpp"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>

#include "model_config.pb.h"
#include "serve/datatype.hpp"
#include "serve/status.hpp"

namespace konnx::serve {

namespace {

namespace pb = config;

class Collector : public google::protobuf::io::ErrorCollector {
public:
    explicit Collector(const std::string& path) : path_(path) {}
    void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
        if (error_.empty()) error_ = cat(path_, ":", line + 1, ":", column + 1, ": ", message);
    }
    void AddWarning(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
        warnings_.push_back(cat(path_, ":", line + 1, ":", column + 1, ": ", message, " (ignored)"));
    }
    std::string error_;
    std::vector<std::string> warnings_;

private:
    std::string path_;
};

std::string datatype_of(pb::DataType type) {
    // Triton's TYPE_X names the protocol's X, except TYPE_STRING, which is BYTES on the wire.
    if (type == pb::TYPE_INVALID) return "";
    if (type == pb::TYPE_STRING) return "BYTES";
    return pb::DataType_Name(type).substr(5);
}

template <class Tensors>
std::vector<DeclaredTensor> declared(const Tensors& tensors) {
    std::vector<DeclaredTensor> out;
    for (const auto& t : tensors)
        out.push_back({t.name(), datatype_of(t.data_type()), {t.dims().begin(), t.dims().end()}});
    return out;
}

}  // namespace

ModelSettings parse_model_config(const std::string& text, const std::string& path, const ModelSettings& defaults,
                                 std::vector<std::string>& warnings) {
    pb::ModelConfig config;
    google::protobuf::TextFormat::Parser parser;
    Collector collector(path);
    parser.RecordErrorsTo(&collector);
    parser.AllowUnknownField(true);
    if (!parser.ParseFromString(text, &config))
        fail_request(Code::kInvalidArgument,
                     collector.error_.empty() ? path + ": malformed model configuration" : collector.error_);
    warnings.insert(warnings.end(), collector.warnings_.begin(), collector.warnings_.end());

    ModelSettings s = defaults;
    const auto bad = [&](const auto&... what) { fail_request(Code::kInvalidArgument, path, ": ", what...); };
    if (config.max_batch_size() < 0) bad("max_batch_size must be >= 0, got ", config.max_batch_size());
    // Triton's rules: max_batch_size is what the config says (0 = no batching dimension), and requests are
    // batched together only when a dynamic_batching block is present.
    s.max_batch_size = config.max_batch_size();
    s.dynamic_batching = config.has_dynamic_batching();
    if (config.has_dynamic_batching()) {
        const pb::ModelDynamicBatching& db = config.dynamic_batching();
        s.preferred_batch_sizes.assign(db.preferred_batch_size().begin(), db.preferred_batch_size().end());
        for (int p : s.preferred_batch_sizes)
            if (p < 1 || p > s.max_batch_size)
                bad("preferred_batch_size ", p, " must be in 1..max_batch_size (", s.max_batch_size, ")");
        std::sort(s.preferred_batch_sizes.begin(), s.preferred_batch_sizes.end());
        s.max_queue_delay_us = static_cast<int64_t>(std::min<uint64_t>(db.max_queue_delay_microseconds(), 60000000));
        if (db.has_default_queue_policy()) {
            const pb::ModelQueuePolicy& q = db.default_queue_policy();
            if (q.timeout_action() == pb::ModelQueuePolicy::DELAY)
                warnings.push_back(path + ": timeout_action DELAY is not supported; timed-out requests are rejected");
            if (q.max_queue_size() > 0) s.max_queue_size = q.max_queue_size();
            if (q.default_timeout_microseconds() > 0)
                s.default_timeout_us =
                    static_cast<int64_t>(std::min<uint64_t>(q.default_timeout_microseconds(), int64_t{1} << 40));
        }
    }
    if (config.instance_group_size() > 0) {
        int count = 0;
        for (const auto& group : config.instance_group()) {
            if (group.kind() == pb::ModelInstanceGroup::KIND_GPU)
                bad("instance_group kind KIND_GPU: konnx runs on the CPU");
            if (group.count() < 0 || group.count() > 64)
                bad("instance_group count must be in 0..64, got ", group.count());
            count += group.count() == 0 ? 1 : group.count();  // Triton: count defaults to 1
        }
        s.instances = std::min(count, 64);
    }
    if (!config.default_model_filename().empty()) {
        const std::string& f = config.default_model_filename();
        if (f.find('/') != std::string::npos || f == "." || f == "..")
            bad("default_model_filename must be a file name, got '", f, "'");
        s.default_model_filename = f;
    }
    if (config.has_version_policy()) {
        const pb::ModelVersionPolicy& v = config.version_policy();
        if (v.has_all()) {
            s.version_policy = ModelSettings::VersionPolicy::kAll;
        } else if (v.has_specific()) {
            s.version_policy = ModelSettings::VersionPolicy::kSpecific;
            s.specific_versions.assign(v.specific().versions().begin(), v.specific().versions().end());
        } else if (v.has_latest()) {
            s.version_policy = ModelSettings::VersionPolicy::kLatest;
            s.latest_versions = static_cast<int>(std::clamp<uint32_t>(v.latest().num_versions(), 1, 1000));
        }
    }
    s.inputs = declared(config.input());
    s.outputs = declared(config.output());
    for (const auto* list : {&s.inputs, &s.outputs})
        for (const DeclaredTensor& t : *list)
            if (!t.datatype.empty() && !datatype_from_name(t.datatype)) bad("tensor '", t.name, "' has no datatype");
    return s;
}

}  // namespace konnx::serve
