// SPDX-License-Identifier: MIT
#include "keras/h5_writer.hpp"

#include <hdf5.h>

#include <algorithm>
#include <stdexcept>

#include "core/half.hpp"

namespace konnx::test {
namespace {
void check(herr_t rc, const std::string& what) {
    if (rc < 0) throw std::runtime_error("HDF5 write failed: " + what);
}
hid_t lcpl() {
    hid_t p = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(p, 1);
    return p;
}
}  // namespace

H5Writer::H5Writer(const std::string& path) {
    id_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (id_ < 0) throw std::runtime_error("cannot create " + path);
}

H5Writer::~H5Writer() {
    if (id_ >= 0) H5Fclose(id_);
}

void H5Writer::group(const std::string& path) {
    if (path == "/" || H5Lexists(id_, path.c_str(), H5P_DEFAULT) > 0) return;
    hid_t p = lcpl();
    hid_t g = H5Gcreate2(id_, path.c_str(), p, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(p);
    if (g < 0) throw std::runtime_error("cannot create group " + path);
    H5Gclose(g);
}

void H5Writer::attr_string(const std::string& path, const std::string& name, const std::string& value) {
    group(path);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate_by_name(id_, path.c_str(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const char* p = value.c_str();
    check(H5Awrite(a, type, &p), name);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
}

void H5Writer::attr_strings(const std::string& path, const std::string& name, const std::vector<std::string>& values) {
    group(path);
    const hsize_t n = values.size();
    if (n == 0) {
        hid_t space = H5Screate_simple(1, &n, nullptr);
        hid_t a = H5Acreate_by_name(id_, path.c_str(), name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                                    H5P_DEFAULT);
        H5Aclose(a);
        H5Sclose(space);
        return;
    }
    std::size_t len = 1;
    for (const auto& v : values)
        len = std::max(len, v.size());
    std::vector<char> buf(len * n, 0);
    for (std::size_t i = 0; i < n; ++i)
        std::copy(values[i].begin(), values[i].end(), buf.begin() + i * len);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, len);
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    hid_t space = H5Screate_simple(1, &n, nullptr);
    hid_t a = H5Acreate_by_name(id_, path.c_str(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    check(H5Awrite(a, type, buf.data()), name);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
}

void H5Writer::dataset(const std::string& path, const Tensor& t, DType as) {
    std::vector<hsize_t> dims(t.shape().begin(), t.shape().end());
    hid_t space =
        dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    hid_t file_type = H5T_IEEE_F32LE;
    hid_t half = -1;
    if (as == DType::kFloat64) file_type = H5T_IEEE_F64LE;
    if (as == DType::kFloat16) {  // IEEE half as h5py defines it
        half = H5Tcopy(H5T_IEEE_F32LE);
        H5Tset_fields(half, 15, 10, 5, 0, 10);
        H5Tset_size(half, 2);
        H5Tset_ebias(half, 15);
        file_type = half;
    }
    hid_t p = lcpl();
    hid_t d = H5Dcreate2(id_, path.c_str(), file_type, space, p, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(p);
    if (d < 0) throw std::runtime_error("cannot create dataset " + path);
    check(H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw()), path);
    H5Dclose(d);
    H5Sclose(space);
    if (half >= 0) H5Tclose(half);
}

void H5Writer::external_link(const std::string& path, const std::string& file, const std::string& object) {
    check(H5Lcreate_external(file.c_str(), object.c_str(), id_, path.c_str(), H5P_DEFAULT, H5P_DEFAULT), path);
}

void H5Writer::external_dataset(const std::string& path, const std::vector<long long>& dims, const std::string& file) {
    std::vector<hsize_t> d(dims.begin(), dims.end());
    hsize_t bytes = 4;
    for (auto n : d)
        bytes *= n;
    hid_t space = H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    check(H5Pset_external(dcpl, file.c_str(), 0, bytes), path);
    hid_t p = lcpl();
    hid_t ds = H5Dcreate2(id_, path.c_str(), H5T_IEEE_F32LE, space, p, dcpl, H5P_DEFAULT);
    H5Pclose(p);
    H5Pclose(dcpl);
    H5Sclose(space);
    if (ds < 0) throw std::runtime_error("cannot create external dataset " + path);
    H5Dclose(ds);
}

void write_keras_h5(const std::string& path, const nlohmann::json& model_config,
                    const std::vector<KerasWeights>& weights, const std::string& keras_version, bool split_names) {
    H5Writer w(path);
    w.attr_string("/", "keras_version", keras_version);
    w.attr_string("/", "backend", "tensorflow");
    w.attr_string("/", "model_config", model_config.dump());
    w.group("/model_weights");
    std::vector<std::string> names;
    for (const auto& kw : weights)
        names.push_back(kw.layer);
    if (split_names && names.size() >= 2) {
        const auto half = static_cast<std::ptrdiff_t>(names.size() / 2);
        w.attr_strings("/model_weights", "layer_names0", {names.begin(), names.begin() + half});
        w.attr_strings("/model_weights", "layer_names1", {names.begin() + half, names.end()});
    } else {
        w.attr_strings("/model_weights", "layer_names", names);
    }
    for (const auto& kw : weights) {
        std::vector<std::string> wn;
        for (std::size_t i = 0; i < kw.values.size(); ++i) {
            wn.push_back(kw.layer + "/" + kw.names[i] + ":0");
            w.dataset("/model_weights/" + kw.layer + "/" + wn.back(), kw.values[i]);
        }
        w.attr_strings("/model_weights/" + kw.layer, "weight_names", wn);
    }
}

}  // namespace konnx::test
