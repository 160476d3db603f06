// A numeric constant of an expression: an exact rational (int64/int64, reduced, den > 0)
// while it fits, otherwise a double ("real"). Folding stays exact as long as it can, so
// (1/8 + 1/3)/2 is 11/48 and 0.1*10 is 1, and falls back to double on overflow.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace symact::codegen {

class Number {
public:
    constexpr Number() = default;
    constexpr Number(std::int64_t n) : num_(n) {}  // NOLINT: integers convert implicitly
    static Number rational(std::int64_t num, std::int64_t den);  // den != 0
    static Number real(double v);  // a double, exact if its shortest decimal form is short
    // digits * 10^exp10 (digits: decimal digits, no sign or point), exact when it has at
    // most max_exact_digits significant digits and fits; nullopt otherwise.
    static std::optional<Number> from_decimal(std::string_view digits, long long exp10);
    static constexpr std::size_t max_exact_digits = 15;

    bool is_exact() const { return exact_; }
    bool is_integer() const { return exact_ && den_ == 1; }
    bool is_zero() const { return exact_ ? num_ == 0 : value_ == 0.0; }
    bool is_one() const { return exact_ && num_ == 1 && den_ == 1; }
    bool is_minus_one() const { return exact_ && num_ == -1 && den_ == 1; }
    bool is_negative() const { return exact_ ? num_ < 0 : value_ < 0.0; }
    std::int64_t num() const { return num_; }  // exact only
    std::int64_t den() const { return den_; }  // exact only

    double to_double() const;
    float to_float() const;  // rounded once from the exact value where possible
    template <class T> T as() const {
        if constexpr (sizeof(T) == sizeof(float)) return to_float();
        else if constexpr (sizeof(T) == sizeof(double)) return to_double();
        else return is_exact() ? static_cast<T>(num_) / static_cast<T>(den_) : static_cast<T>(value_);
    }

    // Arithmetic; nullopt when the result is not finite (never folded: left symbolic).
    friend std::optional<Number> add(const Number& a, const Number& b);
    friend std::optional<Number> mul(const Number& a, const Number& b);
    std::optional<Number> pow(const Number& e) const;  // exact for integer e and perfect roots
    Number neg() const;

    int compare(const Number& o) const;  // -1, 0, 1 by value
    bool operator==(const Number& o) const {  // representation equality (for hash-consing)
        return exact_ == o.exact_ && (exact_ ? num_ == o.num_ && den_ == o.den_
                                             : bits() == o.bits());
    }
    std::uint64_t hash() const;
    std::string to_string() const;  // in the expression syntax; parses back to an equal value
    // The exact decimal form of a rational whose denominator is 2^a 5^b (0.044715), if any.
    std::optional<std::string> decimal() const;

private:
    std::uint64_t bits() const;
    bool exact_ = true;
    std::int64_t num_ = 0, den_ = 1;
    double value_ = 0.0;
};

std::optional<Number> add(const Number& a, const Number& b);
std::optional<Number> mul(const Number& a, const Number& b);
// One constant for a whole list: exact while possible, else rounded once from long double
// (so the order of the operands does not matter); nullopt if not finite.
std::optional<Number> sum_of(std::span<const Number> xs);
std::optional<Number> product_of(std::span<const Number> xs);

}  // namespace symact::codegen
