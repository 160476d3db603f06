// symact::error: every bad input ends here, with what went wrong and, for text input,
// where (the input with a caret under the offending character).
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace symact {

class error : public std::runtime_error {
public:
    static constexpr std::size_t npos = std::string::npos;

    explicit error(std::string message) : std::runtime_error(message), message_(std::move(message)) {}

    // An error at byte `pos` of `input`: what() shows the message, the input and a caret.
    error(std::string message, std::string_view input, std::size_t pos)
        : std::runtime_error(format(message, input, pos)), message_(std::move(message)),
          input_(input), pos_(pos) {}

    const std::string& message() const noexcept { return message_; }  // without the caret lines
    const std::string& input() const noexcept { return input_; }
    std::size_t position() const noexcept { return pos_; }              // npos: no position

private:
    static std::string format(const std::string& message, std::string_view input, std::size_t pos);

    std::string message_;
    std::string input_;
    std::size_t pos_ = npos;
};

}  // namespace symact
