// SPDX-License-Identifier: MIT
// konnx::Tensor: a dense, C-ordered n-d array. Copies share the buffer (like a shared_ptr);
// use clone() for a deep copy. A Tensor may own its memory or view a caller's buffer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "konnx/dtype.hpp"
#include "konnx/error.hpp"

namespace konnx {

namespace detail {
void check_element_count(std::size_t given, int64_t expected);
}

using Shape = std::vector<int64_t>;

class Tensor {
public:
    Tensor() = default;

    /// A new zero-filled tensor (64-byte aligned).
    static Tensor zeros(DType dtype, Shape shape);
    /// A new tensor whose contents are left uninitialized (64-byte aligned).
    static Tensor empty(DType dtype, Shape shape);
    /// A non-owning view of `data`; the caller keeps it alive while the tensor is used.
    static Tensor view(DType dtype, Shape shape, void* data);
    /// Shares ownership of `owner`, which keeps `data` alive.
    static Tensor wrap(DType dtype, Shape shape, std::shared_ptr<void> owner, void* data);

    template <class T>
    static Tensor from_vector(Shape shape, const std::vector<T>& values);
    template <class T>
    static Tensor scalar(T value) {
        return from_vector<T>({}, {value});
    }

    bool defined() const noexcept { return dtype_ != DType::kUndefined; }
    DType dtype() const noexcept { return dtype_; }
    const Shape& shape() const noexcept { return shape_; }
    std::size_t rank() const noexcept { return shape_.size(); }
    int64_t dim(std::size_t axis) const { return shape_.at(axis); }
    int64_t numel() const noexcept;
    std::size_t nbytes() const noexcept;

    void* raw() noexcept { return data_; }
    const void* raw() const noexcept { return data_; }
    template <class T>
    T* data() noexcept {
        return static_cast<T*>(data_);
    }
    template <class T>
    const T* data() const noexcept {
        return static_cast<const T*>(data_);
    }
    template <class T>
    std::span<T> span() {
        return {data<T>(), static_cast<std::size_t>(numel())};
    }
    template <class T>
    std::span<const T> span() const {
        return {data<T>(), static_cast<std::size_t>(numel())};
    }
    template <class T>
    std::vector<T> to_vector() const {
        auto s = span<T>();
        return {s.begin(), s.end()};
    }

    /// Deep copy into new owned memory.
    Tensor clone() const;
    /// Same buffer, new shape with the same element count.
    Tensor reshaped(Shape shape) const;

private:
    DType dtype_ = DType::kUndefined;
    Shape shape_;
    std::shared_ptr<void> owner_;
    void* data_ = nullptr;
};

template <class T>
Tensor Tensor::from_vector(Shape shape, const std::vector<T>& values) {
    Tensor t = empty(dtype_of<T>(), std::move(shape));
    detail::check_element_count(values.size(), t.numel());
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
}

}  // namespace konnx
