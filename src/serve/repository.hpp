// SPDX-License-Identifier: MIT
// The models a server offers. A repository folder in Triton's layout:
//
//   repo/<model name>/config.pbtxt          optional (model_config.hpp)
//   repo/<model name>/<version>/model.onnx  or model.h5 / model.hdf5 / model.keras (or default_model_filename)
//
// whose versions are chosen by the model's version policy (default: the highest one), or a single model file,
// served as version 1 under its file stem. load/unload (the repository extension) re-read a model's folder and
// swap its versions in; requests already running on the old ones finish.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "serve/model.hpp"

namespace konnx::serve {

struct RepositoryOptions {
    ModelSettings defaults;  ///< for models without a config.pbtxt (and under one's fields)
    LoadOptions load;
    std::string model_name;  ///< single-file form: the name to serve it under ("" = the file stem)
};

class Repository {
public:
    /// `path`: a repository folder or one model file. Nothing is loaded yet.
    Repository(std::string path, RepositoryOptions options, Metrics& metrics);

    bool is_folder() const { return is_folder_; }
    /// Loads every model found; throws ServeError listing each one that failed.
    void load_all();

    /// The ready version `version` of `name` ("" = the highest ready one). ServeError kNotFound for an unknown
    /// model or version, kUnavailable for a model that is not loaded.
    std::shared_ptr<const ModelVersion> find(const std::string& name, const std::string& version) const;
    /// Every version of `name` that is ready, highest first (for metadata's "versions").
    std::vector<std::string> versions(const std::string& name) const;

    struct IndexEntry {
        std::string name, version, state, reason;  // state: READY, UNAVAILABLE, LOADING
    };
    /// Every model folder in the repository (loaded or not), as the repository extension lists them.
    std::vector<IndexEntry> index() const;
    /// (Re)loads `name` from its folder. Blocks for the load; throws ServeError.
    void load(const std::string& name);
    /// Unloads `name`; requests queued on it still complete. Throws kNotFound for an unknown model.
    void unload(const std::string& name);

    /// True when every model the repository was asked to serve is ready.
    bool ready() const;
    /// Refuses new requests on every model; returns once all queued ones ran or `deadline` passed.
    bool drain(Clock::time_point deadline);
    std::vector<std::shared_ptr<const ModelVersion>> loaded() const;

private:
    struct Entry {
        std::map<int64_t, std::shared_ptr<const ModelVersion>> versions;
        std::string state = "UNAVAILABLE", reason;
    };
    std::vector<std::shared_ptr<const ModelVersion>> load_versions(const std::string& name) const;
    std::string model_folder(const std::string& name) const;

    std::string path_;
    bool is_folder_ = false;
    std::string single_name_;
    RepositoryOptions options_;
    Metrics& metrics_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> models_;
    std::mutex load_mutex_;  // one load or unload at a time
};

}  // namespace konnx::serve
