// SPDX-License-Identifier: MIT
// A small read-only RAII wrapper over the libhdf5 C API, enough for Keras files: groups, string
// attributes (fixed/variable length, scalars and arrays, split as name0, name1, ...) and datasets
// read as float32. HDF5's own error printing is silenced; every failure is a konnx::Error that
// names the file and the object. External links and external dataset storage are refused.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "konnx/tensor.hpp"

namespace konnx::keras {

class H5File {
public:
    /// Opens a file on disk (kFileNotFound / kInvalidModel when it is not HDF5).
    /// `label` names the file in errors (default: the path), e.g. "m.keras:model.weights.h5" for an extracted member.
    static H5File open(const std::string& path, const std::string& label = "");
    /// Opens an in-memory image (e.g. model.weights.h5 inside a .keras zip); `label` names it in errors.
    static H5File open_image(std::span<const std::byte> image, const std::string& label);

    H5File(H5File&& other) noexcept;
    H5File& operator=(H5File&& other) noexcept;
    H5File(const H5File&) = delete;
    H5File& operator=(const H5File&) = delete;
    ~H5File();

    const std::string& label() const { return label_; }

    bool exists(const std::string& path) const;  ///< a link at `path` ("/" always exists)
    bool is_group(const std::string& path) const;
    bool is_dataset(const std::string& path) const;
    /// Link names inside a group, sorted by name.
    std::vector<std::string> children(const std::string& path) const;

    bool has_attr(const std::string& path, const std::string& name) const;
    /// A scalar (or 1-element) string attribute; nullopt when absent.
    std::optional<std::string> attr_string(const std::string& path, const std::string& name) const;
    /// A string-array attribute, joined across `name0`, `name1`, ... when split; empty when absent
    /// (an empty float64 array, as h5py writes for empty lists, also reads as empty).
    std::vector<std::string> attr_strings(const std::string& path, const std::string& name) const;

    /// A numeric dataset converted to float32 (float16/32/64 and integer types).
    Tensor read_float(const std::string& path) const;
    Shape dataset_shape(const std::string& path) const;

private:
    H5File() = default;
    long long id_ = -1;  // hid_t
    std::string label_;
};

}  // namespace konnx::keras
