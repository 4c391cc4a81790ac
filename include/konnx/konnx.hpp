// SPDX-License-Identifier: MIT
// Everything public in one include.
#pragma once

#include "konnx/convert.hpp"
#include "konnx/dtype.hpp"
#include "konnx/error.hpp"
#include "konnx/inspect.hpp"
#include "konnx/sequence.hpp"
#include "konnx/session.hpp"
#include "konnx/string_tensor.hpp"
#include "konnx/tensor.hpp"
#include "konnx/version.hpp"
