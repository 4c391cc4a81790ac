// SPDX-License-Identifier: MIT
#include "serve/model.hpp"

#include <algorithm>

#include "core/strings.hpp"
#include "konnx/convert.hpp"
#include "serve/datatype.hpp"

namespace konnx::serve {

namespace {

bool is_keras(const std::string& path) {
    return ends_with_ci(path, ".h5") || ends_with_ci(path, ".hdf5") || ends_with_ci(path, ".keras");
}

std::vector<TensorMeta> metadata(const std::vector<TensorInfo>& infos, const std::string& file) {
    std::vector<TensorMeta> out;
    for (const TensorInfo& info : infos) {
        TensorMeta m{info.name, info.dtype, std::string(datatype_name(info.dtype)), {}};
        if (m.datatype.empty())
            fail_request(Code::kInvalidArgument, file, ": tensor '", info.name, "' has type ", dtype_name(info.dtype),
                         ", which the inference protocol cannot carry");
        for (const Dim& d : info.shape)
            m.shape.push_back(d.is_fixed() ? d.size : -1);
        if (!info.has_shape)
            fail_request(Code::kInvalidArgument, file, ": tensor '", info.name,
                         "' has no shape in the model; konnx serve needs each input's and output's rank");
        out.push_back(std::move(m));
    }
    return out;
}

/// A free first dimension in every input and output (the same symbol where the model names it): requests can be
/// stacked along it and the outputs split back.
bool has_batch_dimension(const Session& session) {
    std::string symbol;
    for (const auto* infos : {&session.inputs(), &session.outputs()})
        for (const TensorInfo& t : *infos) {
            if (!t.has_shape || t.shape.empty() || t.shape[0].is_fixed()) return false;
            if (t.shape[0].symbol.empty()) continue;
            if (symbol.empty()) symbol = t.shape[0].symbol;
            if (t.shape[0].symbol != symbol) return false;
        }
    return true;
}

std::string names_of(const std::vector<TensorMeta>& tensors) {
    std::vector<std::string> names;
    for (const TensorMeta& t : tensors)
        names.push_back("'" + t.name + "'");
    return join(names);
}

/// "'x' [-1,28,28,1], 'y' [-1]"
std::string shapes_of(const std::vector<TensorMeta>& tensors) {
    std::vector<std::string> items;
    for (const TensorMeta& t : tensors)
        items.push_back("'" + t.name + "' " + shape_str(t.shape));
    return join(items);
}

/// A config.pbtxt's input/output declarations must name tensors the model has, with its datatypes and shapes.
void check_declared(const std::vector<DeclaredTensor>& declared, const std::vector<TensorMeta>& actual, bool batched,
                    const std::string& kind, const std::string& file) {
    for (const DeclaredTensor& d : declared) {
        auto it = std::find_if(actual.begin(), actual.end(), [&](const TensorMeta& t) { return t.name == d.name; });
        if (it == actual.end())
            fail_request(Code::kInvalidArgument, file, ": config.pbtxt declares ", kind, " '", d.name,
                         "', which the model does not have (", kind, "s: ", names_of(actual), ")");
        if (!d.datatype.empty() && d.datatype != it->datatype)
            fail_request(Code::kInvalidArgument, file, ": config.pbtxt declares ", kind, " '", d.name, "' as ",
                         d.datatype, ", the model has ", it->datatype);
        if (d.dims.empty()) continue;
        std::vector<int64_t> model_dims(it->shape.begin() + (batched ? 1 : 0), it->shape.end());
        bool ok = model_dims.size() == d.dims.size();
        for (std::size_t i = 0; ok && i < d.dims.size(); ++i)
            ok = d.dims[i] == -1 || model_dims[i] == -1 || d.dims[i] == model_dims[i];
        if (!ok)
            fail_request(Code::kInvalidArgument, file, ": config.pbtxt gives ", kind, " '", d.name, "' dims ",
                         shape_str(d.dims), ", the model has ", shape_str(model_dims),
                         batched ? " (without the batch dimension)" : "");
    }
}

/// Runs each batch size once with zeros so its plan (kernels, packed weights, arena) exists before traffic.
void warm_up(const Session& session, int max_batch) {
    for (const TensorInfo& t : session.inputs())
        for (std::size_t d = 1; d < t.shape.size(); ++d)
            if (!t.shape[d].is_fixed() || !dtype_is_known(t.dtype)) return;  // shapes only known per request
    for (int b = 1; b <= std::max(1, max_batch); ++b) {
        std::vector<std::pair<std::string, Tensor>> feeds;
        for (const TensorInfo& t : session.inputs()) {
            Shape shape;
            for (const Dim& d : t.shape)
                shape.push_back(d.is_fixed() ? d.size : b);
            feeds.emplace_back(t.name, Tensor::zeros(t.dtype, shape));
        }
        session.run(feeds);
    }
}

}  // namespace

std::shared_ptr<ModelVersion> ModelVersion::load(const std::string& name, int64_t version, const std::string& file,
                                                 const ModelSettings& settings, const LoadOptions& options,
                                                 Metrics& metrics) {
    const auto start = Clock::now();
    std::shared_ptr<ModelVersion> m(new ModelVersion());
    m->name_ = name;
    m->version_ = std::to_string(version);
    m->file_ = file;
    m->settings_ = settings;
    try {
        if (is_keras(file)) {
            const ConvertResult converted = convert_keras(file);
            const auto bytes = std::as_bytes(std::span(converted.onnx_bytes.data(), converted.onnx_bytes.size()));
            m->session_ = std::make_shared<const Session>(Session::from_bytes(bytes, options.session));
            m->platform_ = "keras";
        } else {
            m->session_ = std::make_shared<const Session>(Session::open(file, options.session));
            m->platform_ = "onnx";
        }
    } catch (const Error& e) {
        fail_request(Code::kInvalidArgument, file, ": ", e.what());
    }
    const Session& session = *m->session_;
    m->inputs_ = metadata(session.inputs(), file);
    m->outputs_ = metadata(session.outputs(), file);

    ModelSettings& s = m->settings_;
    const bool batchable = has_batch_dimension(session);
    if (s.max_batch_size < 0) s.max_batch_size = batchable ? options.default_max_batch_size : 0;
    if (s.max_batch_size > 0 && !batchable)
        fail_request(Code::kInvalidArgument, file, ": max_batch_size ", s.max_batch_size,
                     " needs a free first (batch) dimension in every input and output; the model has ",
                     shapes_of(m->inputs_), " -> ", shapes_of(m->outputs_));
    check_declared(s.inputs, m->inputs_, s.max_batch_size > 0, "input", file);
    check_declared(s.outputs, m->outputs_, s.max_batch_size > 0, "output", file);

    if (options.warmup) {
        try {
            warm_up(session, s.max_batch_size);
        } catch (const Error& e) {
            fail_request(Code::kInvalidArgument, file, ": warm-up run with zeros failed: ", e.what());
        }
    }
    SchedulerOptions so;
    so.instances = std::max(1, s.instances);
    so.max_batch_size = s.max_batch_size;
    so.dynamic_batching = s.dynamic_batching;
    so.preferred_batch_sizes = s.preferred_batch_sizes;
    so.max_queue_delay_us = s.max_queue_delay_us;
    so.max_queue_size = s.max_queue_size;
    m->scheduler_ = std::make_unique<Scheduler>(m->session_, so, metrics.model(name, m->version_));
    m->load_seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
    return m;
}

ModelVersion::~ModelVersion() = default;

int ModelVersion::output_index(const std::string& name) const {
    for (std::size_t i = 0; i < outputs_.size(); ++i)
        if (outputs_[i].name == name) return static_cast<int>(i);
    return -1;
}

void ModelVersion::infer(InferRequest&& request, InferCallback done) const {
    Job job;
    job.inputs.resize(inputs_.size());
    const std::string model = "model '" + name_ + "'";
    for (auto& entry : request.inputs) {
        // Named references, not a structured binding: clang 14 (Debian 12) cannot capture bindings in lambdas.
        const std::string& input_name = entry.first;
        Tensor& tensor = entry.second;
        auto it =
            std::find_if(inputs_.begin(), inputs_.end(), [&](const TensorMeta& t) { return t.name == input_name; });
        check_request(it != inputs_.end(), model, " has no input '", input_name, "' (inputs: ", names_of(inputs_), ")");
        Tensor& slot = job.inputs[static_cast<std::size_t>(it - inputs_.begin())];
        check_request(!slot.defined(), "input '", input_name, "' is given twice");
        check_request(tensor.dtype() == it->dtype, "input '", input_name, "' has datatype ",
                      datatype_name(tensor.dtype()), ", ", model, " expects ", it->datatype);
        bool ok = tensor.rank() == it->shape.size();
        for (std::size_t d = 0; ok && d < it->shape.size(); ++d)
            ok = it->shape[d] < 0 || it->shape[d] == tensor.shape()[d];
        check_request(ok, "input '", input_name, "' has shape ", shape_str(tensor.shape()), ", ", model, " expects ",
                      shape_str(it->shape), " (-1: any size)");
        slot = std::move(tensor);
    }
    for (std::size_t i = 0; i < inputs_.size(); ++i)
        check_request(job.inputs[i].defined(), "input '", inputs_[i].name, "' is missing (", model, " needs ",
                      names_of(inputs_), ")");
    for (const RequestedOutput& o : request.outputs)
        check_request(output_index(o.name) >= 0, model, " has no output '", o.name, "' (outputs: ", names_of(outputs_),
                      ")");
    if (settings_.max_batch_size > 0) {
        job.rows = job.inputs[0].dim(0);
        for (std::size_t i = 0; i < inputs_.size(); ++i)
            check_request(job.inputs[i].dim(0) == job.rows, "inputs '", inputs_[0].name, "' and '", inputs_[i].name,
                          "' disagree on the batch size (", job.rows, " and ", job.inputs[i].dim(0), " rows)");
        check_request(job.rows >= 1 && job.rows <= settings_.max_batch_size, "the request's batch of ", job.rows,
                      " rows is outside 1..", settings_.max_batch_size, " (max_batch_size of ", model, ")");
    }
    job.enqueued = request.received;
    auto limit = [&](int64_t us) {
        if (us <= 0) return;
        const auto t = request.received + std::chrono::microseconds(us);
        if (!job.deadline || t < *job.deadline) job.deadline = t;
    };
    job.deadline = request.deadline;
    limit(settings_.default_timeout_us);
    limit(request.timeout_us);
    job.done = std::move(done);
    scheduler_->submit(std::move(job));
}

void ModelVersion::stop() const { scheduler_->stop(); }

bool ModelVersion::wait_stopped(Clock::time_point deadline) const { return scheduler_->wait_stopped(deadline); }

}  // namespace konnx::serve
