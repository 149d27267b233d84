// Errors as values at module boundaries (DESIGN.md). C++20 has no std::expected, so
// this is the small subset of it that mailng uses.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace mailng {

/// A problem found in an input file: where and what. `line` and `column` are 1-based;
/// 0 means the whole file (unreadable, missing).
struct Problem {
    std::string file;
    int line = 0;
    int column = 0;
    std::string message;

    /// "file:line:column: message", or "file: message" when line is 0.
    std::string to_string() const;
};

template <typename E>
struct Unexpected {
    E error;
};

template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
    return {std::forward<E>(error)};
}

/// Holds a T or an E. Accessing the wrong alternative is a programming error
/// (std::bad_variant_access).
template <typename T, typename E>
class Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    template <typename U>
    Result(Unexpected<U> error) : state_(std::in_place_index<1>, std::move(error.error)) {}

    bool has_value() const { return state_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const E& error() const { return std::get<1>(state_); }
    E& error() { return std::get<1>(state_); }

private:
    std::variant<T, E> state_;
};

} // namespace mailng
