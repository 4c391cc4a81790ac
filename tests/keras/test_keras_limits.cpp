// SPDX-License-Identifier: MIT
// Hostile Keras files: HDF5 datasets stored in other files, HDF5 external links, and .keras zip bombs
// (a small member that inflates to far more than any real Keras file holds) are refused with named errors.
#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>

#include "keras/h5_writer.hpp"
#include "konnx/convert.hpp"
#include "support/test_support.hpp"

namespace konnx::test {
namespace {

namespace fs = std::filesystem;

fs::path tmp_dir() {
    const fs::path dir = fs::path(binary_dir()) / "test-tmp" / "keras_limits";
    fs::create_directories(dir);
    return dir;
}

const char* kDense = R"({"class_name":"Sequential","config":{"name":"s","layers":[
    {"class_name":"Dense","config":{"name":"d","batch_input_shape":[null,3],"units":2,"activation":"relu"}}]}})";

Error convert_error(const std::string& path) {
    try {
        convert_keras(path);
    } catch (const Error& e) {
        return e;
    }
    return Error(ErrorCode::kInternal, "<converted without an error>");
}

}  // namespace

TEST(KerasLimits, DatasetsStoredInOtherFilesAreRefused) {
    const fs::path dir = tmp_dir();
    const std::vector<float> secret = {1, 2, 3, 4, 5, 6};  // valid data: only the storage check can refuse it
    std::ofstream(dir / "secret.raw", std::ios::binary)
        .write(reinterpret_cast<const char*>(secret.data()), static_cast<std::streamsize>(secret.size() * 4));
    const std::string p = (dir / "external_storage.h5").string();
    {
        H5Writer h(p);
        h.attr_string("/", "keras_version", "2.2.4");
        h.attr_string("/", "backend", "tensorflow");
        h.attr_string("/", "model_config", kDense);
        h.attr_strings("/model_weights", "layer_names", {"d"});
        h.attr_strings("/model_weights/d", "weight_names", {"d/kernel:0", "d/bias:0"});
        h.external_dataset("/model_weights/d/d/kernel:0", {3, 2}, (dir / "secret.raw").string());
        h.dataset("/model_weights/d/d/bias:0", Tensor::from_vector<float>({2}, {0.5f, -0.5f}));
    }
    const Error e = convert_error(p);
    EXPECT_EQ(e.code(), ErrorCode::kInvalidModel) << e.what();
    EXPECT_NE(std::string(e.what()).find("external storage"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("kernel:0"), std::string::npos) << e.what();
}

TEST(KerasLimits, ExternalLinksToOtherFilesAreRefused) {
    const fs::path dir = tmp_dir();
    const std::string target = (dir / "target.h5").string();
    write_keras_h5(
        target, nlohmann::json::parse(kDense),
        {{"d",
          {"kernel", "bias"},
          {Tensor::from_vector<float>({3, 2}, {1, 2, 3, 4, 5, 6}), Tensor::from_vector<float>({2}, {0, 0})}}});
    const std::string p = (dir / "linked.h5").string();
    {
        H5Writer h(p);
        h.attr_string("/", "keras_version", "2.2.4");
        h.attr_string("/", "model_config", kDense);
        h.external_link("/model_weights", target, "/model_weights");
    }
    const Error e = convert_error(p);
    EXPECT_EQ(e.code(), ErrorCode::kInvalidModel) << e.what();
    EXPECT_NE(std::string(e.what()).find("external link"), std::string::npos) << e.what();
}

TEST(KerasLimits, ZipBombMembersAreRefusedBeforeInflating) {
    // config.json: 64 MiB of spaces, deflated to ~64 KiB (ratio ~1000). Keras writes .keras members stored
    // (uncompressed), so a ratio above 100 on a large member means a bomb, not a model.
    const fs::path dir = tmp_dir();
    const std::string path = (dir / "bomb.keras").string();
    const std::string spaces(std::size_t{64} << 20, ' ');
    {
        int err = 0;
        zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
        ASSERT_NE(z, nullptr);
        zip_source_t* src = zip_source_buffer(z, spaces.data(), spaces.size(), 0);
        const zip_int64_t idx = zip_file_add(z, "config.json", src, ZIP_FL_OVERWRITE);
        ASSERT_GE(idx, 0);
        ASSERT_EQ(zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 9), 0);
        ASSERT_EQ(zip_close(z), 0);
    }
    ASSERT_LT(fs::file_size(path), std::uintmax_t{1} << 20);
    const Error e = convert_error(path);
    EXPECT_EQ(e.code(), ErrorCode::kLimitExceeded) << e.what();
    EXPECT_NE(std::string(e.what()).find("zip bomb"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
}

}  // namespace konnx::test
