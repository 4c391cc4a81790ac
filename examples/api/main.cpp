#include <algorithm>
#include <iostream>
#include <konnx/konnx.hpp>

int main(int argc, char** argv) try {  // konnx_api_example MODEL.h5 OUT.onnx
    if (argc != 3) return 64;
    konnx::convert_keras_file(argv[1], argv[2]);  // Keras -> ONNX, no Python
    konnx::Session session = konnx::Session::open(argv[2], {.threads = 1});
    const konnx::TensorInfo& input = session.inputs()[0];  // Fashion-MNIST CNN: float32 [N,28,28,1]
    konnx::Tensor image = konnx::Tensor::zeros(konnx::DType::kFloat32, {1, 28, 28, 1});
    std::vector<konnx::Tensor> out = session.run({{input.name, image}});
    std::span<const float> p = out[0].span<float>();
    const auto best = std::max_element(p.begin(), p.end()) - p.begin();
    std::cout << input.name << ": class " << best << " p=" << p[best] << " of " << p.size() << "\n";
} catch (const konnx::Error& e) {  // every failure: a code and a message naming the node or file
    std::cerr << e.what() << "\n";
    return 1;
}
