// SPDX-License-Identifier: MIT
#include "serve/server_context.hpp"

#include <thread>

namespace konnx::serve {

std::vector<std::string> ServerContext::extensions() const {
    std::vector<std::string> out = {"binary_tensor_data", "model_configuration", "metrics"};
    if (repository.is_folder()) out.push_back("model_repository");
    return out;
}

void ServerContext::run_detached(std::function<void()> task) const { std::thread(std::move(task)).detach(); }

}  // namespace konnx::serve
