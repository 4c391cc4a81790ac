// SPDX-License-Identifier: MIT
// konnx classify MODEL IMAGE... : the seed's main.py natively. Default preprocessing is Keras's
// load_img(target_size = model H x W) + img_to_array (RGB, nearest, raw 0-255 floats); the default output
// is main.py's: the image path as given, then per rank four spaces, the probability with 3 decimals,
// two spaces and the label.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli/cli.hpp"
#include "cli/model_loader.hpp"
#include "core/error.hpp"
#include "core/file.hpp"
#include "core/half.hpp"
#include "core/npy.hpp"
#include "image/image.hpp"

namespace konnx::cli {

namespace {

/// Labels from a one-per-line file, Keras's imagenet_class_index.json ({"0": ["n01440764", "tench"], ...}),
/// a JSON list of strings, or a comma-separated list given inline.
std::vector<std::string> load_labels(const std::string& spec) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(spec, ec)) {
        if (spec.find(',') == std::string::npos)
            fail(ErrorCode::kFileNotFound, "labels file not found: ", spec, " (or give a comma-separated list)");
        std::vector<std::string> labels;
        std::size_t start = 0;
        while (start <= spec.size()) {
            const auto end = std::min(spec.find(',', start), spec.size());
            labels.push_back(spec.substr(start, end - start));
            start = end + 1;
        }
        return labels;
    }
    const auto bytes = read_file(spec, std::size_t{64} << 20);
    std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) {
        nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
        if (j.is_discarded()) fail(ErrorCode::kInvalidModel, spec, ": invalid JSON");
        std::vector<std::string> labels;
        if (j.is_array()) {
            for (const auto& v : j) {
                if (!v.is_string()) fail(ErrorCode::kInvalidModel, spec, ": a JSON label list must hold strings");
                labels.push_back(v.get<std::string>());
            }
            return labels;
        }
        for (const auto& [key, value] : j.items()) {
            std::size_t index = 0;
            try {
                index = std::stoul(key);
            } catch (const std::exception&) {
                fail(ErrorCode::kInvalidModel, spec, ": label keys must be class indices, got '", key, "'");
            }
            if (index > 1'000'000) fail(ErrorCode::kInvalidModel, spec, ": class index ", key, " is too large");
            std::string label;
            if (value.is_string())
                label = value.get<std::string>();
            else if (value.is_array() && !value.empty() && value.back().is_string())
                label = value.back().get<std::string>();  // Keras: [wordnet id, name]
            else
                fail(ErrorCode::kInvalidModel, spec, ": label ", key, " must be a string or [id, name]");
            if (labels.size() <= index) labels.resize(index + 1);
            labels[index] = label;
        }
        return labels;
    }
    std::vector<std::string> labels;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        labels.push_back(line);
        start = end + 1;
    }
    return labels;
}

struct ImageInput {
    std::string name;
    image::Layout layout = image::Layout::kNHWC;
    int channels = 3;
    int height = -1, width = -1;  // -1: dynamic
    DType dtype = DType::kFloat32;
};

std::string dims_str(const TensorInfo& info) {
    std::vector<std::string> dims;
    for (const Dim& d : info.shape)
        dims.push_back(d.is_fixed() ? std::to_string(d.size) : (d.symbol.empty() ? "?" : d.symbol));
    return "[" + join(dims, ",") + "]";
}

/// Reads H, W, C and the layout from a 4-D input; `layout` is auto, nhwc or nchw.
ImageInput describe_input(const Session& session, const std::string& layout) {
    const auto& inputs = session.inputs();
    if (inputs.size() != 1)
        fail(ErrorCode::kInvalidArgument, "classify needs a model with one image input; this one has ", inputs.size(),
             " inputs");
    const TensorInfo& info = inputs[0];
    auto not_image = [&](const std::string& why) {
        fail(ErrorCode::kInvalidArgument, "model input '", info.name, "' ", why,
             ": classify needs an image input [N,H,W,C] or [N,C,H,W] with 1, 3 or 4 channels");
    };
    if (!info.has_shape) not_image("has no declared shape");
    if (info.shape.size() != 4) not_image("has shape " + dims_str(info) + ", not 4-D");
    auto is_channels = [](const Dim& d) { return d.is_fixed() && (d.size == 1 || d.size == 3 || d.size == 4); };
    ImageInput in;
    in.name = info.name;
    in.dtype = info.dtype == DType::kUndefined ? DType::kFloat32 : info.dtype;
    if (layout == "nhwc")
        in.layout = image::Layout::kNHWC;
    else if (layout == "nchw")
        in.layout = image::Layout::kNCHW;
    else if (is_channels(info.shape[3])) {
        in.layout = image::Layout::kNHWC;  // Keras's default wins a tie
        if (is_channels(info.shape[1]))
            log_info(cat("input '", info.name, "' ", dims_str(info), " could be NHWC or NCHW: assuming NHWC ",
                         "(use --layout nchw otherwise)"));
    } else if (is_channels(info.shape[1]))
        in.layout = image::Layout::kNCHW;
    else
        not_image("has shape " + dims_str(info) + " with no channel axis of size 1, 3 or 4 (try --layout)");
    const bool nhwc = in.layout == image::Layout::kNHWC;
    const Dim& c = info.shape[nhwc ? 3 : 1];
    if (c.is_fixed() && !is_channels(c))
        not_image("has " + std::to_string(c.size) + " channels (shape " + dims_str(info) + ")");
    in.channels = c.is_fixed() ? static_cast<int>(c.size) : 3;
    const Dim& h = info.shape[nhwc ? 1 : 2];
    const Dim& w = info.shape[nhwc ? 2 : 3];
    if ((h.is_fixed() && (h.size < 1 || h.size > 32768)) || (w.is_fixed() && (w.size < 1 || w.size > 32768)))
        not_image("has spatial size out of range (shape " + dims_str(info) + ")");
    in.height = h.is_fixed() ? static_cast<int>(h.size) : -1;
    in.width = w.is_fixed() ? static_cast<int>(w.size) : -1;
    if (info.shape[0].is_fixed() && info.shape[0].size != 1)
        fail(ErrorCode::kUnsupported, "model input '", info.name, "' has a fixed batch of ", info.shape[0].size,
             " (classify feeds one image at a time)");
    return in;
}

std::vector<double> class_scores(const Tensor& t, const std::string& name) {
    std::vector<double> v(static_cast<std::size_t>(t.numel()));
    for (std::size_t i = 0; i < v.size(); ++i) {
        switch (t.dtype()) {
            case DType::kFloat32: v[i] = t.data<float>()[i]; break;
            case DType::kFloat64: v[i] = t.data<double>()[i]; break;
            case DType::kFloat16: v[i] = to_float(t.data<Float16>()[i]); break;
            default:
                fail(ErrorCode::kUnsupported, "model output '", name, "' is ", dtype_name(t.dtype()),
                     ", not class scores (float)");
        }
    }
    if (v.empty()) fail(ErrorCode::kInvalidModel, "model output '", name, "' is empty");
    return v;
}

/// Softmax unless the scores already are probabilities (non-negative, summing to 1 within 1e-3).
bool normalize_scores(std::vector<double>& v) {
    const double sum = std::accumulate(v.begin(), v.end(), 0.0);
    const bool probabilities =
        std::all_of(v.begin(), v.end(), [](double x) { return x >= 0 && x <= 1; }) && std::fabs(sum - 1.0) <= 1e-3;
    if (probabilities) return false;
    const double top = *std::max_element(v.begin(), v.end());
    double total = 0;
    for (double& x : v)
        total += (x = std::exp(x - top));
    for (double& x : v)
        x /= total;
    return true;
}

}  // namespace

CommandRunner setup_classify(CLI::App& app) {
    struct Options {
        std::string model;
        std::vector<std::string> images;
        std::string save_input;
        std::string labels, preprocess = "none", mean, std, resize = "nearest", size, crop, layout = "auto";
        float scale = 1.f;
        bool bgr = false, json = false;
        int top_k = 5, threads = 0;
    };
    auto opt = std::make_shared<Options>();
    app.add_option("model", opt->model, "Model file (.onnx, or Keras .h5/.keras converted in memory)")->required();
    app.add_option("images", opt->images, "Images: BMP, PNG, JPEG, PPM/PGM (gray, RGB or RGBA)")->required();
    app.add_option("-l,--labels", opt->labels,
                   "Labels: a one-per-line file, Keras's imagenet_class_index.json, or a comma list a,b,c");
    app.add_option("-k,--top-k", opt->top_k, "How many classes to print")->check(CLI::Range(1, 1000000));
    app.add_option("-p,--preprocess", opt->preprocess,
                   "none: raw 0-255 (Keras load_img + img_to_array); caffe: BGR minus ImageNet mean; tf: x/127.5-1; "
                   "torch: x/255 then ImageNet mean/std")
        ->check(CLI::IsMember({"none", "caffe", "tf", "torch"}));
    app.add_option("--mean", opt->mean, "Subtract per channel (one value or one per channel, model channel order)");
    app.add_option("--std", opt->std, "Divide per channel after the mean (one value or one per channel)");
    app.add_option("--scale", opt->scale, "Multiply pixels by F before the mean (e.g. 0.00392157 = 1/255)");
    app.add_flag("--bgr", opt->bgr, "Feed channels as BGR");
    app.add_option("--resize", opt->resize, "Resampling filter (PIL's, as Keras load_img)")
        ->check(CLI::IsMember({"nearest", "bilinear", "bicubic", "area"}));
    app.add_option("--size", opt->size, "Resize to HxW first (default: the model's H x W)");
    app.add_option("--crop", opt->crop, "Then center-crop HxW (default: the model's H x W)");
    app.add_option("--layout", opt->layout, "Input layout; auto reads it from the model's input shape")
        ->check(CLI::IsMember({"auto", "nhwc", "nchw"}));
    add_threads_option(app, opt->threads);
    app.add_flag("--json", opt->json, "Print one JSON document on stdout");
    app.add_option("--save-input", opt->save_input,
                   "Also write the preprocessed input tensor as .npy (one image only), e.g. to feed another runtime");
    app.footer(
        "Examples:\n"
        "  konnx classify fish.onnx 3_001_0.bmp --labels labels.txt\n"
        "  konnx classify resnet50.h5 cat.jpg --preprocess caffe --labels imagenet_class_index.json\n"
        "  konnx classify mobilenet.onnx a.png b.png --preprocess tf --resize bilinear --top-k 3 --json\n"
        "  konnx classify densenet.onnx dog.jpg --preprocess torch --size 256x256 --crop 224x224\n"
        "Output: the image path, then per class four spaces, the probability (3 decimals), two spaces, the label.\n"
        "Scores that are not probabilities are shown through a softmax (-v says so).");

    return [opt]() -> int {
        image::Normalization norm = image::preset(opt->preprocess);
        if (!opt->mean.empty()) norm.mean = parse_floats(opt->mean, "--mean");
        if (!opt->std.empty()) {
            norm.std = parse_floats(opt->std, "--std");
            if (std::any_of(norm.std.begin(), norm.std.end(), [](float s) { return s == 0.f; }))
                throw UsageError("--std values must not be 0");
        }
        if (opt->scale != 1.f) norm.scale = opt->scale;
        if (opt->bgr) norm.bgr = true;
        const auto interpolation = image::parse_interpolation(opt->resize);
        std::pair<int, int> size{-1, -1}, crop{-1, -1};
        if (!opt->size.empty()) size = parse_hxw(opt->size, "--size");
        if (!opt->crop.empty()) crop = parse_hxw(opt->crop, "--crop");
        std::vector<std::string> labels;
        if (!opt->labels.empty()) labels = load_labels(opt->labels);
        if (!opt->save_input.empty() && opt->images.size() != 1)
            throw UsageError("--save-input takes one image; " + std::to_string(opt->images.size()) + " were given");

        SessionOptions so;
        so.threads = opt->threads;
        const auto t0 = std::chrono::steady_clock::now();
        Session session = open_model(opt->model, so);
        log_info(cat("loaded ", opt->model, " in ",
                     std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(), " ms"));
        const ImageInput in = describe_input(session, opt->layout);
        // Final H x W: the model's when fixed, else --crop, else --size.
        int fh = in.height, fw = in.width;
        if (fh < 0 || fw < 0) {
            const auto& given = crop.first > 0 ? crop : size;
            if (given.first < 0)
                throw UsageError(cat("model input '", in.name, "' has no fixed height and width: pass --size HxW"));
            if (fh < 0) fh = given.first;
            if (fw < 0) fw = given.second;
        }
        if (crop.first > 0 && (crop.first != fh || crop.second != fw))
            throw UsageError(cat("--crop ", opt->crop, " does not match the model's input ", fh, "x", fw));
        if (static_cast<int64_t>(fh) * fw > image::DecodeLimits{}.max_pixels)
            fail(ErrorCode::kLimitExceeded, "model input '", in.name, "' of ", fh, "x", fw,
                 " pixels exceeds the image size limit");
        const std::pair<int, int> resize_to = size.first > 0 ? size : std::pair{fh, fw};
        if (resize_to.first < fh || resize_to.second < fw)
            throw UsageError(cat("--size ", opt->size, " is smaller than the model's input ", fh, "x", fw));
        if (labels.empty() && !opt->labels.empty()) log_warning("the labels list is empty: printing class indices");
        log_info(cat("input '", in.name, "': ", in.layout == image::Layout::kNHWC ? "NHWC" : "NCHW", " ", fh, "x", fw,
                     "x", in.channels, " ", dtype_name(in.dtype), ", resize ", resize_to.first, "x", resize_to.second,
                     " (", opt->resize, "), preprocess ", opt->preprocess));

        nlohmann::ordered_json report;
        report["model"] = opt->model;
        report["input"] = {{"name", in.name},
                           {"layout", in.layout == image::Layout::kNHWC ? "nhwc" : "nchw"},
                           {"height", fh},
                           {"width", fw},
                           {"channels", in.channels},
                           {"resize", opt->resize},
                           {"preprocess", opt->preprocess}};
        report["results"] = nlohmann::ordered_json::array();
        bool warned_labels = false, said_softmax = false;
        for (const auto& path : opt->images) {
            image::Image img = image::read_image(path);
            const int source_channels = img.channels;
            img = image::convert_channels(img, in.channels);
            img = image::resize(img, resize_to.first, resize_to.second, interpolation);
            if (resize_to.first != fh || resize_to.second != fw) img = image::center_crop(img, fh, fw);
            Tensor x = Tensor::empty(in.dtype, in.layout == image::Layout::kNHWC ? Shape{1, fh, fw, in.channels}
                                                                                 : Shape{1, in.channels, fh, fw});
            image::pack(img, norm, in.layout, in.dtype, x.raw());
            if (!opt->save_input.empty()) write_npy(opt->save_input, x);
            const auto t1 = std::chrono::steady_clock::now();
            const auto outputs = session.run({{in.name, x}});
            const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
            std::vector<double> scores = class_scores(outputs.at(0), session.outputs().at(0).name);
            const bool softmaxed = normalize_scores(scores);
            if (softmaxed && !said_softmax && (said_softmax = true))
                log_info(cat("output '", session.outputs()[0].name,
                             "' is not a probability distribution: showing softmax(scores)"));
            log_info(cat(path, ": ", img.width, "x", img.height, " from ", source_channels, " channel",
                         source_channels == 1 ? "" : "s", ", inference ", ms, " ms"));
            if (!labels.empty() && labels.size() != scores.size() && !warned_labels) {
                log_warning(cat("the model has ", scores.size(), " classes but ", labels.size(), " labels were given"));
                warned_labels = true;
            }
            std::vector<std::size_t> order(scores.size());
            std::iota(order.begin(), order.end(), std::size_t{0});
            const std::size_t k = std::min(order.size(), static_cast<std::size_t>(opt->top_k));
            std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                              [&](std::size_t a, std::size_t b) {
                                  return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
                              });
            nlohmann::ordered_json result = {{"image", path}, {"inference_ms", ms}, {"softmax_applied", softmaxed}};
            result["top"] = nlohmann::ordered_json::array();
            std::string text = path + "\n";
            for (std::size_t r = 0; r < k; ++r) {
                const std::size_t c = order[r];
                const std::string label = c < labels.size() ? labels[c] : std::to_string(c);
                char prob[64];
                std::snprintf(prob, sizeof prob, "%.3f", scores[c]);
                text += cat("    ", prob, "  ", label, "\n");
                result["top"].push_back({{"index", c}, {"label", label}, {"probability", scores[c]}});
            }
            if (opt->json)
                report["results"].push_back(result);
            else
                std::cout << text << std::flush;
        }
        if (opt->json) std::cout << report.dump(2) << "\n";
        return kExitOk;
    };
}

}  // namespace konnx::cli
