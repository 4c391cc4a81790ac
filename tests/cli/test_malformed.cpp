// SPDX-License-Identifier: MIT
// Malformed-input corpus through the real `konnx` binary, for every reader: .onnx (run), Keras .h5,
// .keras, architecture JSON + weights .h5 (convert), PNG/JPEG/BMP/PPM images (classify), .npy and .pb
// tensors (run --input). Each valid file is truncated at many offsets, bit-flipped, given a wrong magic,
// emptied, replaced by a directory, made unreadable and removed. Every case must end in the documented
// exit code (65 bad data, 66 missing, 69 unsupported, 74 I/O) with one `konnx: error: ...` line, no
// signal, within a time limit, and leave the folder exactly as it was (no output, no temporary file).
#include <gtest/gtest.h>
#include <stb_image_write.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>

#include "core/npy.hpp"
#include "core/strings.hpp"
#include "keras/h5_writer.hpp"
#include "onnx/model_io.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace konnx;
using konnx::test::cli_path;
using konnx::test::CommandResult;
using konnx::test::run_command;

namespace {

constexpr int kTimeLimitSeconds = 60;  // generous for sanitizer builds; a hang is far beyond it

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::path(konnx::test::binary_dir()) / "test-tmp" / "malformed" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        names.insert(fs::relative(e.path(), dir).string());
    return names;
}

// ---- the valid files every mutation starts from ----

/// x0 float[2,3] -> Add(bias initializer) -> Relu -> y0: has an initializer, so weights can be damaged too.
std::string onnx_model_bytes() {
    graph::Model m;
    m.opsets.push_back({"", 13});
    m.graph.name = "add_relu";
    m.graph.inputs.push_back({"x0", DType::kFloat32, {Dim{2, ""}, Dim{3, ""}}, true, ""});
    m.graph.initializers["bias"] = Tensor::from_vector<float>({3}, {0.5f, -1.f, 2.f});
    graph::Node add;
    add.op_type = "Add";
    add.name = "add";
    add.inputs = {"x0", "bias"};
    add.outputs = {"s"};
    graph::Node relu;
    relu.op_type = "Relu";
    relu.name = "relu";
    relu.inputs = {"s"};
    relu.outputs = {"y0"};
    m.graph.nodes = {add, relu};
    m.graph.outputs.push_back({"y0", DType::kFloat32, {}, false, ""});
    return onnxio::serialize_model(m);
}

/// image float[1,2,2,3] (NHWC) -> Flatten -> scores[1,12]: classify prints the top pixel values.
std::string image_model_bytes() {
    graph::Model m;
    m.opsets.push_back({"", 13});
    m.graph.name = "flatten";
    m.graph.inputs.push_back({"image", DType::kFloat32, {Dim{1, ""}, Dim{2, ""}, Dim{2, ""}, Dim{3, ""}}, true, ""});
    graph::Node flat;
    flat.op_type = "Flatten";
    flat.name = "flatten";
    flat.inputs = {"image"};
    flat.outputs = {"scores"};
    m.graph.nodes = {flat};
    m.graph.outputs.push_back({"scores", DType::kFloat32, {}, false, ""});
    return onnxio::serialize_model(m);
}

const char* kDenseConfig = R"({"class_name":"Sequential","config":{"name":"s","layers":[
    {"class_name":"Dense","config":{"name":"d","batch_input_shape":[null,3],"units":2,"activation":"relu"}}]}})";

std::vector<test::KerasWeights> dense_weights() {
    test::KerasWeights w;
    w.layer = "d";
    w.names = {"kernel", "bias"};
    w.values = {Tensor::from_vector<float>({3, 2}, {1, 2, 3, 4, 5, 6}), Tensor::from_vector<float>({2}, {0.5f, -0.5f})};
    return {w};
}

std::string keras_h5_bytes(const fs::path& scratch) {
    test::write_keras_h5(scratch.string(), nlohmann::json::parse(kDenseConfig), dense_weights());
    return slurp(scratch);
}

/// A weights-only .h5 (Keras 2 save_weights layout) for the architecture-JSON reader.
std::string weights_h5_bytes(const fs::path& scratch) {
    {
        test::H5Writer h(scratch.string());
        h.attr_strings("/", "layer_names", {"d"});
        h.attr_strings("/d", "weight_names", {"d/kernel:0", "d/bias:0"});
        const auto w = dense_weights();
        h.dataset("/d/d/kernel:0", w[0].values[0]);
        h.dataset("/d/d/bias:0", w[0].values[1]);
    }
    return slurp(scratch);
}

/// Keras 3.0 .keras: config.json + metadata.json + model.weights.h5 (layers/<snake_case>/vars/<i>).
std::string keras_zip_bytes(const fs::path& scratch) {
    const fs::path h5 = scratch.string() + ".weights.h5";
    {
        test::H5Writer w(h5.string());
        w.dataset("/layers/dense/vars/0", Tensor::from_vector<float>({3, 2}, {1, 2, 3, 4, 5, 6}));
        w.dataset("/layers/dense/vars/1", Tensor::from_vector<float>({2}, {0.5f, -0.5f}));
        w.group("/optimizer/vars");
    }
    const std::string weights = slurp(h5);
    const std::string meta = R"({"keras_version":"3.0.5"})";
    const std::string config =
        R"({"module":"keras","class_name":"Functional","config":{"name":"m","layers":[
 {"module":"keras.layers","class_name":"InputLayer","name":"x","config":{"batch_shape":[null,3],"dtype":"float32",
  "name":"x"},"inbound_nodes":[]},
 {"module":"keras.layers","class_name":"Dense","name":"d","config":{"name":"d","units":2,"activation":"relu"},
  "inbound_nodes":[{"args":[{"class_name":"__keras_tensor__","config":{"shape":[null,3],"dtype":"float32",
   "keras_history":["x",0,0]}}],"kwargs":{}}]}],
 "input_layers":[["x",0,0]],"output_layers":[["d",0,0]]}})";
    int err = 0;
    zip_t* z = zip_open(scratch.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    EXPECT_NE(z, nullptr);
    for (const auto& [member, data] : std::vector<std::pair<std::string, const std::string*>>{
             {"metadata.json", &meta}, {"config.json", &config}, {"model.weights.h5", &weights}}) {
        zip_source_t* src = zip_source_buffer(z, data->data(), data->size(), 0);
        EXPECT_GE(zip_file_add(z, member.c_str(), src, ZIP_FL_OVERWRITE), 0);
    }
    EXPECT_EQ(zip_close(z), 0);
    fs::remove(h5);
    return slurp(scratch);
}

/// 2x2 RGB pixels in PNG, JPEG and BMP (stb_image_write) and binary PPM.
std::string image_bytes(const std::string& format, const fs::path& scratch) {
    const unsigned char px[12] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30};
    if (format == "ppm") return std::string("P6\n2 2\n255\n") + std::string(reinterpret_cast<const char*>(px), 12);
    int ok = 0;
    if (format == "png") ok = stbi_write_png(scratch.c_str(), 2, 2, 3, px, 6);
    if (format == "jpg") ok = stbi_write_jpg(scratch.c_str(), 2, 2, 3, px, 90);
    if (format == "bmp") ok = stbi_write_bmp(scratch.c_str(), 2, 2, 3, px);
    EXPECT_NE(ok, 0) << format;
    return slurp(scratch);
}

// ---- the mutations ----

enum class Kind { kTruncated, kBitFlip, kWrongMagic, kEmpty, kDirectory, kUnreadable, kMissing };

struct Mutation {
    Kind kind;
    std::string label;
    std::string bytes;  // file content for the byte-level kinds
};

std::vector<Mutation> mutations(const std::string& good, uint32_t seed) {
    std::vector<Mutation> out;
    std::set<std::size_t> cuts = {1, 2, 4, 8, 16, good.size() - 1};
    for (int k = 1; k < 24; ++k)
        cuts.insert(good.size() * static_cast<std::size_t>(k) / 24);
    for (std::size_t cut : cuts)
        if (cut > 0 && cut < good.size())
            out.push_back({Kind::kTruncated, cat("truncated at ", cut), good.substr(0, cut)});
    std::mt19937 rng(seed);
    for (int k = 0; k < 24; ++k) {
        std::string copy = good;
        const std::size_t at = rng() % copy.size();
        copy[at] = static_cast<char>(copy[at] ^ (1 << (rng() % 8)));
        out.push_back({Kind::kBitFlip, cat("bit flip at ", at), copy});
    }
    std::string magic = good;
    for (std::size_t i = 0; i < std::min<std::size_t>(4, magic.size()); ++i)
        magic[i] = static_cast<char>(0xFF);
    out.push_back({Kind::kWrongMagic, "wrong magic", magic});
    out.push_back({Kind::kEmpty, "empty", ""});
    out.push_back({Kind::kDirectory, "a directory", ""});
    if (::geteuid() != 0) out.push_back({Kind::kUnreadable, "unreadable (mode 000)", good});
    out.push_back({Kind::kMissing, "missing", ""});
    return out;
}

/// Exit codes a mutation may end in. Truncation and bit flips may keep a file readable (a flipped weight
/// bit is still a valid model), or damage it so that it reads as an unsupported op/dtype/opset.
std::set<int> allowed_codes(Kind kind) {
    switch (kind) {
        case Kind::kTruncated: return {65, 69};
        case Kind::kBitFlip: return {0, 65, 69};
        case Kind::kWrongMagic:
        case Kind::kEmpty: return {65};
        case Kind::kDirectory:
        case Kind::kUnreadable: return {74};
        case Kind::kMissing: return {66};
    }
    return {};
}

struct Reader {
    std::string name;
    std::string file_name;  // the mutated file inside the case folder
    std::string good;       // its valid content
    /// Other (valid) files the command needs, written into the case folder first.
    std::vector<std::pair<std::string, std::string>> companions;
    /// The command line, given the case folder.
    std::function<std::vector<std::string>(const fs::path&)> argv;
    /// Files (or folders, with everything in them) a successful run may add to the case folder.
    std::set<std::string> outputs_on_success;
};

void run_corpus(const Reader& reader, uint32_t seed) {
    const fs::path root = fresh_dir(reader.name);
    int index = 0;
    for (const Mutation& m : mutations(reader.good, seed)) {
        const fs::path dir = root / std::to_string(index++);
        fs::create_directories(dir);
        for (const auto& [name, bytes] : reader.companions)
            write_bytes(dir / name, bytes);
        const fs::path target = dir / reader.file_name;
        if (m.kind == Kind::kDirectory)
            fs::create_directory(target);
        else if (m.kind != Kind::kMissing)
            write_bytes(target, m.bytes);
        if (m.kind == Kind::kUnreadable) ::chmod(target.c_str(), 0);
        const auto before = listing(dir);

        const CommandResult r = run_command(reader.argv(dir), kTimeLimitSeconds);
        const std::string what =
            cat(reader.name, " ", m.label, " (", dir.string(), "): exit ", r.exit_code, ", stderr: ", r.err);
        EXPECT_FALSE(r.signaled) << what << " (killed by a signal, or ran past " << kTimeLimitSeconds << " s)";
        EXPECT_TRUE(allowed_codes(m.kind).count(r.exit_code)) << what;
        const auto after = listing(dir);
        if (r.exit_code != 0) {
            EXPECT_EQ(r.err.rfind("konnx: error: ", 0), 0u) << what;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what;
            EXPECT_TRUE(r.out.empty()) << what << "; stdout: " << r.out;
            EXPECT_EQ(after, before) << what << ": the failed command left files behind";
        } else {
            for (const auto& name : after) {
                bool expected = before.count(name) > 0;
                for (const auto& allowed : reader.outputs_on_success)
                    expected = expected || name == allowed || name.rfind(allowed + "/", 0) == 0;
                EXPECT_TRUE(expected) << what << ": wrote " << name;
            }
        }
        if (m.kind == Kind::kUnreadable) ::chmod(target.c_str(), 0644);
    }
    fs::remove_all(root);
    std::cout << "[ malformed ] " << reader.name << ": " << index << " cases\n";
}

std::string path_in(const fs::path& dir, const std::string& name) { return (dir / name).string(); }

}  // namespace

TEST(MalformedInputs, OnnxModels) {
    Reader r{"onnx", "m.onnx", onnx_model_bytes(), {}, nullptr, {"out"}};
    r.argv = [](const fs::path& d) {
        return std::vector<std::string>{cli_path(), "run", path_in(d, "m.onnx"), "--output-dir", path_in(d, "out")};
    };
    run_corpus(r, 1);
}

TEST(MalformedInputs, KerasH5) {
    const fs::path scratch = fresh_dir("h5-source") / "good.h5";
    Reader r{"h5", "m.h5", keras_h5_bytes(scratch), {}, nullptr, {"out.onnx"}};
    r.argv = [](const fs::path& d) {
        return std::vector<std::string>{cli_path(), "convert", path_in(d, "m.h5"), "-o", path_in(d, "out.onnx")};
    };
    run_corpus(r, 2);
}

TEST(MalformedInputs, KerasZip) {
    const fs::path scratch = fresh_dir("keras-source") / "good.keras";
    Reader r{"keras", "m.keras", keras_zip_bytes(scratch), {}, nullptr, {"out.onnx"}};
    r.argv = [](const fs::path& d) {
        return std::vector<std::string>{cli_path(), "convert", path_in(d, "m.keras"), "-o", path_in(d, "out.onnx")};
    };
    run_corpus(r, 3);
}

TEST(MalformedInputs, ArchitectureJsonAndWeights) {
    const fs::path scratch = fresh_dir("json-source") / "weights.h5";
    const std::string weights = weights_h5_bytes(scratch);
    Reader json{"json", "arch.json", kDenseConfig, {{"weights.h5", weights}}, nullptr, {"out.onnx"}};
    json.argv = [](const fs::path& d) {
        return std::vector<std::string>{
            cli_path(), "convert", path_in(d, "arch.json"), path_in(d, "weights.h5"), "-o", path_in(d, "out.onnx")};
    };
    run_corpus(json, 4);
    Reader h5{"weights", "weights.h5", weights, {{"arch.json", kDenseConfig}}, json.argv, {"out.onnx"}};
    run_corpus(h5, 5);
}

TEST(MalformedInputs, Images) {
    const fs::path source = fresh_dir("image-source");
    const std::string model = image_model_bytes();
    uint32_t seed = 6;
    for (const std::string format : {"png", "jpg", "bmp", "ppm"}) {
        const std::string file = "img." + format;
        Reader r{"image-" + format, file, image_bytes(format, source / file), {{"m.onnx", model}}, nullptr, {}};
        r.argv = [file](const fs::path& d) {
            return std::vector<std::string>{cli_path(), "classify", path_in(d, "m.onnx"), path_in(d, file)};
        };
        run_corpus(r, seed++);
    }
}

TEST(MalformedInputs, NpyAndPbTensors) {
    const Tensor x = Tensor::from_vector<float>({2, 3}, {-1, 2, -3, 4, -5, 6});
    const std::string model = onnx_model_bytes();
    for (const auto& [ext, bytes] : std::vector<std::pair<std::string, std::string>>{
             {"npy", encode_npy(x)}, {"pb", onnxio::serialize_tensor(x, "x0")}}) {
        const std::string file = "x." + ext;
        Reader r{ext, file, bytes, {{"m.onnx", model}}, nullptr, {"out"}};
        r.argv = [file](const fs::path& d) {
            return std::vector<std::string>{
                cli_path(),       "run", path_in(d, "m.onnx"), "--input", "x0=" + path_in(d, file), "--output-dir",
                path_in(d, "out")};
        };
        run_corpus(r, ext == "npy" ? 10 : 11);
    }
}
