// SPDX-License-Identifier: MIT
#include "serve/repository.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "serve/log.hpp"

namespace konnx::serve {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModelFiles[] = {"model.onnx", "model.keras", "model.h5", "model.hdf5"};
constexpr std::uintmax_t kMaxConfigBytes = 1 << 20;

bool is_version_name(const std::string& s) {
    return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos && std::stoll(s) > 0;
}

std::string read_config(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) fail_request(Code::kInvalidArgument, path.string(), ": cannot read: ", ec.message());
    if (size > kMaxConfigBytes)
        fail_request(Code::kInvalidArgument, path.string(), ": ", size, " bytes, more than a model configuration's ",
                     kMaxConfigBytes, "-byte limit");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) fail_request(Code::kInvalidArgument, path.string(), ": cannot read");
    return text.str();
}

/// The version folders the policy selects, highest first.
std::vector<int64_t> select_versions(const fs::path& folder, const ModelSettings& s, const std::string& name) {
    std::vector<int64_t> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        if (entry.is_directory() && is_version_name(entry.path().filename().string()))
            found.push_back(std::stoll(entry.path().filename().string()));
    std::sort(found.rbegin(), found.rend());
    if (found.empty())
        fail_request(Code::kInvalidArgument, "model '", name, "': no version folders (1/, 2/, ...) in ",
                     folder.string());
    using P = ModelSettings::VersionPolicy;
    if (s.version_policy == P::kLatest && static_cast<int>(found.size()) > s.latest_versions)
        found.resize(static_cast<std::size_t>(s.latest_versions));
    if (s.version_policy == P::kSpecific) {
        std::vector<int64_t> chosen;
        for (int64_t v : s.specific_versions) {
            if (std::find(found.begin(), found.end(), v) == found.end())
                fail_request(Code::kInvalidArgument, "model '", name, "': version_policy names version ", v,
                             ", which has no folder in ", folder.string());
            chosen.push_back(v);
        }
        std::sort(chosen.rbegin(), chosen.rend());
        found = chosen;
    }
    return found;
}

fs::path model_file(const fs::path& version_folder, const ModelSettings& s, const std::string& label) {
    if (!s.default_model_filename.empty()) {
        const fs::path p = version_folder / s.default_model_filename;
        if (!fs::is_regular_file(p)) fail_request(Code::kInvalidArgument, label, ": ", p.string(), " is not a file");
        return p;
    }
    for (const char* f : kModelFiles)
        if (fs::is_regular_file(version_folder / f)) return version_folder / f;
    fail_request(Code::kInvalidArgument, label, ": no model.onnx, model.keras, model.h5 or model.hdf5 in ",
                 version_folder.string());
}

}  // namespace

Repository::Repository(std::string path, RepositoryOptions options, Metrics& metrics)
    : path_(std::move(path)), options_(std::move(options)), metrics_(metrics) {
    std::error_code ec;
    const auto status = fs::status(path_, ec);
    if (ec || !fs::exists(status)) fail_request(Code::kNotFound, "no such model file or repository folder: ", path_);
    is_folder_ = fs::is_directory(status);
    if (is_folder_) {
        for (const auto& entry : fs::directory_iterator(path_, ec)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_directory() && !name.empty() && name[0] != '.') models_[name];
        }
        if (models_.empty()) fail_request(Code::kInvalidArgument, "the repository folder ", path_, " holds no models");
    } else {
        single_name_ = options_.model_name.empty() ? fs::path(path_).stem().string() : options_.model_name;
        models_[single_name_];
    }
}

std::string Repository::model_folder(const std::string& name) const {
    check_request(!name.empty() && name.find('/') == std::string::npos && name != "." && name != ".." &&
                      name.find('\0') == std::string::npos,
                  "'", name, "' is not a model name");
    return (fs::path(path_) / name).string();
}

std::vector<std::shared_ptr<const ModelVersion>> Repository::load_versions(const std::string& name) const {
    if (!is_folder_) {
        if (name != single_name_) fail_request(Code::kNotFound, "unknown model '", name, "'");
        return {ModelVersion::load(name, 1, path_, options_.defaults, options_.load, metrics_)};
    }
    const fs::path folder = model_folder(name);
    if (!fs::is_directory(folder))
        fail_request(Code::kNotFound, "unknown model '", name, "' (no folder ", folder.string(), ")");
    ModelSettings settings = options_.defaults;
    if (fs::exists(folder / "config.pbtxt")) {
        std::vector<std::string> warnings;
        const std::string config_path = (folder / "config.pbtxt").string();
        settings = parse_model_config(read_config(folder / "config.pbtxt"), config_path, options_.defaults, warnings);
        for (const std::string& w : warnings)
            log_warning(w);
    }
    std::vector<std::shared_ptr<const ModelVersion>> out;
    for (int64_t v : select_versions(folder, settings, name)) {
        const std::string label = cat("model '", name, "' version ", v);
        const fs::path file = model_file(folder / std::to_string(v), settings, label);
        out.push_back(ModelVersion::load(name, v, file.string(), settings, options_.load, metrics_));
        log_notice(cat("loaded ", label, " from ", file.string(), " in ", out.back()->load_seconds(), " s (",
                       out.back()->settings().max_batch_size > 0
                           ? cat("max batch ", out.back()->settings().max_batch_size,
                                 out.back()->settings().dynamic_batching ? ", dynamic batching" : "")
                           : std::string("no batching"),
                       ", ", out.back()->settings().instances, " instance(s))"));
    }
    return out;
}

void Repository::load_all() {
    std::vector<std::string> names, errors;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [name, entry] : models_)
            names.push_back(name);
    }
    for (const std::string& name : names) {
        try {
            load(name);
        } catch (const ServeError& e) {
            errors.push_back(e.what());
        }
    }
    if (!errors.empty()) fail_request(Code::kInvalidArgument, join(errors, "; "));
}

void Repository::load(const std::string& name) {
    if (is_folder_)
        model_folder(name);  // a folder name, not a path
    else if (name != single_name_)
        fail_request(Code::kNotFound, "unknown model '", name, "'");
    std::lock_guard serial(load_mutex_);
    {
        std::lock_guard lock(mutex_);
        auto& entry = models_[name];
        if (entry.versions.empty()) entry.state = "LOADING";
    }
    std::vector<std::shared_ptr<const ModelVersion>> loaded;
    try {
        loaded = load_versions(name);
    } catch (const ServeError& e) {
        std::lock_guard lock(mutex_);
        auto it = models_.find(name);
        if (e.code() == Code::kNotFound && it != models_.end() && it->second.versions.empty()) {
            models_.erase(it);  // the folder is gone (or never was)
        } else if (it != models_.end() && it->second.versions.empty()) {
            it->second.state = "UNAVAILABLE";
            it->second.reason = e.what();
        }
        throw;
    }
    std::map<int64_t, std::shared_ptr<const ModelVersion>> previous;
    {
        std::lock_guard lock(mutex_);
        Entry& entry = models_[name];
        previous.swap(entry.versions);
        for (auto& m : loaded)
            entry.versions[std::stoll(m->version())] = m;
        entry.state = "READY";
        entry.reason.clear();
    }
    for (auto& [v, m] : previous)
        m->stop();
}

void Repository::unload(const std::string& name) {
    std::lock_guard serial(load_mutex_);
    std::map<int64_t, std::shared_ptr<const ModelVersion>> previous;
    {
        std::lock_guard lock(mutex_);
        auto it = models_.find(name);
        if (it == models_.end()) fail_request(Code::kNotFound, "unknown model '", name, "'");
        previous.swap(it->second.versions);
        it->second.state = "UNAVAILABLE";
        it->second.reason = "unloaded";
    }
    for (auto& [v, m] : previous)
        m->stop();
    log_notice(cat("unloaded model '", name, "'"));
}

std::shared_ptr<const ModelVersion> Repository::find(const std::string& name, const std::string& version) const {
    std::lock_guard lock(mutex_);
    auto it = models_.find(name);
    if (it == models_.end()) fail_request(Code::kNotFound, "unknown model '", name, "'");
    const Entry& entry = it->second;
    if (entry.versions.empty())
        fail_request(Code::kUnavailable, "model '", name, "' is not ready (", entry.state,
                     entry.reason.empty() ? "" : ": " + entry.reason, ")");
    if (version.empty()) return entry.versions.rbegin()->second;
    if (is_version_name(version)) {
        auto v = entry.versions.find(std::stoll(version));
        if (v != entry.versions.end()) return v->second;
    }
    std::vector<std::string> have;
    for (const auto& [v, m] : entry.versions)
        have.push_back(m->version());
    fail_request(Code::kNotFound, "model '", name, "' has no version '", version, "' (versions: ", join(have), ")");
}

std::vector<std::string> Repository::versions(const std::string& name) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    auto it = models_.find(name);
    if (it != models_.end())
        for (auto v = it->second.versions.rbegin(); v != it->second.versions.rend(); ++v)
            out.push_back(v->second->version());
    return out;
}

std::vector<Repository::IndexEntry> Repository::index() const {
    std::vector<IndexEntry> out;
    std::lock_guard lock(mutex_);
    for (const auto& [name, entry] : models_) {
        if (entry.versions.empty()) out.push_back({name, "", entry.state, entry.reason});
        for (const auto& [v, m] : entry.versions)
            out.push_back({name, m->version(), "READY", ""});
    }
    return out;
}

bool Repository::ready() const {
    std::lock_guard lock(mutex_);
    return std::all_of(models_.begin(), models_.end(),
                       [](const auto& kv) { return !kv.second.versions.empty() || kv.second.reason == "unloaded"; });
}

std::vector<std::shared_ptr<const ModelVersion>> Repository::loaded() const {
    std::vector<std::shared_ptr<const ModelVersion>> out;
    std::lock_guard lock(mutex_);
    for (const auto& [name, entry] : models_)
        for (const auto& [v, m] : entry.versions)
            out.push_back(m);
    return out;
}

bool Repository::drain(Clock::time_point deadline) {
    const auto models = loaded();
    for (const auto& m : models)
        m->stop();
    bool all = true;
    for (const auto& m : models)
        all = m->wait_stopped(deadline) && all;
    return all;
}

}  // namespace konnx::serve
