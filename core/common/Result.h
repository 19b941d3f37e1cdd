#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace obslab {

// An error with a message meant for a person: what happened and what to do next.
struct Error
{
    QString message;
    QString hint;  // what to do about it; may be empty
};

// A value or an Error (GCC 12 has no std::expected).
template <typename T>
class Result
{
public:
    Result(T value)
        : data_(std::move(value))
    {}
    Result(Error error)
        : data_(std::move(error))
    {}

    bool ok() const { return std::holds_alternative<T>(data_); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(data_); }
    T& value() & { return std::get<T>(data_); }
    T&& value() && { return std::get<T>(std::move(data_)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<Error>(data_); }

private:
    std::variant<T, Error> data_;
};

}  // namespace obslab
