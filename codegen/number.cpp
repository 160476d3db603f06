#include "symact/codegen/number.hpp"

#include <bit>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace symact::codegen {

namespace {
// |v| without overflow: -INT64_MIN does not fit an int64_t, its magnitude fits a uint64_t.
std::uint64_t magnitude(std::int64_t v) {
    return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}
// Callers pass at least one operand in [1, INT64_MAX] (a denominator), so the gcd fits.
std::int64_t gcd64(std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(std::gcd(magnitude(a), magnitude(b)));
}
std::optional<Number> finite(double v) {
    if (!std::isfinite(v)) return std::nullopt;
    return Number::real(v);
}
}  // namespace

Number Number::rational(std::int64_t num, std::int64_t den) {
    if (den < 0) {
        if (num == INT64_MIN || den == INT64_MIN) return real(static_cast<double>(num) / den);
        num = -num, den = -den;
    }
    std::int64_t g = gcd64(num, den);
    Number r;
    r.num_ = g ? num / g : 0;
    r.den_ = g ? den / g : 1;
    return r;
}

std::optional<Number> Number::from_decimal(std::string_view digits, long long exp10) {
    // digits * 10^exp10, exact when it has at most max_exact_digits significant digits and
    // fits in 64 bits; longer literals are doubles (so a printed double reads back as one).
    std::size_t first = digits.find_first_not_of('0');
    if (first == std::string_view::npos) return Number(0);
    digits.remove_prefix(first);
    while (!digits.empty() && digits.back() == '0') digits.remove_suffix(1), ++exp10;
    // integers are exact whenever they fit; fractions up to max_exact_digits digits
    if ((exp10 < 0 && digits.size() > max_exact_digits) || exp10 > 18 || exp10 < -18 ||
        static_cast<long long>(digits.size()) + (exp10 > 0 ? exp10 : 0) > 19)
        return std::nullopt;
    __int128 m = 0, p = 1;
    for (char c : digits) m = m * 10 + (c - '0');
    for (long long k = 0; k < (exp10 < 0 ? -exp10 : exp10); ++k) p *= 10;
    if (exp10 >= 0) m *= p;
    if (m > INT64_MAX) return std::nullopt;
    return exp10 >= 0 ? Number(static_cast<std::int64_t>(m))
                      : rational(static_cast<std::int64_t>(m), static_cast<std::int64_t>(p));
}

Number Number::real(double v) {
    // Integers that doubles hold exactly become exact: 2.0 and 2 are one constant.
    if (v == std::trunc(v) && std::fabs(v) < 0x1p63) return Number(static_cast<std::int64_t>(v));
    // So does a double whose shortest decimal form is short (0.5, 0.1): one value, one node.
    if (std::isfinite(v)) {
        std::string s = fmt::format("{}", std::fabs(v));  // shortest round-trip digits
        auto e = s.find('e');
        long long exp10 = e == std::string::npos ? 0 : std::stoll(s.substr(e + 1));
        std::string digits;
        bool after_point = false;
        for (char c : s.substr(0, e)) {
            if (c == '.') { after_point = true; continue; }
            digits += c;
            if (after_point) --exp10;
        }
        bool neg = v < 0;
        if (auto r = from_decimal(digits, exp10); r && r->to_double() == std::fabs(v))
            return neg ? r->neg() : *r;
    }
    Number r;
    r.exact_ = false;
    r.value_ = v;
    return r;
}

double Number::to_double() const {
    if (!exact_) return value_;
    if (den_ == 1) return static_cast<double>(num_);
    // Exact operands make the division correctly rounded; otherwise round via long double.
    if (magnitude(num_) <= (1ull << 53) && den_ <= (1ll << 53))
        return static_cast<double>(num_) / static_cast<double>(den_);
    return static_cast<double>(static_cast<long double>(num_) / static_cast<long double>(den_));
}

float Number::to_float() const {
    if (!exact_) return static_cast<float>(value_);
    if (magnitude(num_) <= (1ull << 24) && den_ <= (1ll << 24))
        return static_cast<float>(num_) / static_cast<float>(den_);
    return static_cast<float>(static_cast<long double>(num_) / static_cast<long double>(den_));
}

std::optional<Number> add(const Number& a, const Number& b) {
    if (a.exact_ && b.exact_) {
        std::int64_t g = gcd64(a.den_, b.den_), x, y, n, d;
        if (!__builtin_mul_overflow(a.num_, b.den_ / g, &x) &&
            !__builtin_mul_overflow(b.num_, a.den_ / g, &y) && !__builtin_add_overflow(x, y, &n) &&
            !__builtin_mul_overflow(a.den_, b.den_ / g, &d))
            return Number::rational(n, d);
    }
    return finite(a.to_double() + b.to_double());
}

std::optional<Number> mul(const Number& a, const Number& b) {
    if (a.exact_ && b.exact_) {
        std::int64_t g1 = gcd64(a.num_, b.den_), g2 = gcd64(b.num_, a.den_), n, d;
        if (!g1) g1 = 1;
        if (!g2) g2 = 1;
        if (!__builtin_mul_overflow(a.num_ / g1, b.num_ / g2, &n) &&
            !__builtin_mul_overflow(a.den_ / g2, b.den_ / g1, &d))
            return Number::rational(n, d);
    }
    // A product of nonzero numbers that underflows is not zero: no fold (real(0.0) would be
    // the exact 0, and x/308e15*16*308e-314 became 0*x, which printed and read back as 0;
    // fuzz finding).
    double v = a.to_double() * b.to_double();
    if (v == 0 && !a.is_zero() && !b.is_zero()) return std::nullopt;
    return finite(v);
}

namespace {
template <class Exact, class Approx>
std::optional<Number> fold_all(std::span<const Number> xs, Number unit, Exact exact, Approx approx) {
    std::optional<Number> r = unit;
    for (const Number& x : xs) {
        r = exact(*r, x);
        if (!r || !r->is_exact()) break;
    }
    if (r && r->is_exact()) return r;
    // Not exact: the order must not matter (1e308 * 3 / 5e19 is finite), so use long double.
    long double v = unit.to_double();
    for (const Number& x : xs) v = approx(v, static_cast<long double>(x.to_double()));
    double d = static_cast<double>(v);
    if (!std::isfinite(d)) return std::nullopt;
    if (d == 0 && v != 0) return std::nullopt;  // underflow: not a value to fold into
    return Number::real(d);
}
}  // namespace

std::optional<Number> sum_of(std::span<const Number> xs) {
    return fold_all(xs, Number(0), [](const Number& a, const Number& b) { return add(a, b); },
                    [](long double a, long double b) { return a + b; });
}

std::optional<Number> product_of(std::span<const Number> xs) {
    return fold_all(xs, Number(1), [](const Number& a, const Number& b) { return mul(a, b); },
                    [](long double a, long double b) { return a * b; });
}

Number Number::neg() const {
    if (exact_ && num_ != INT64_MIN) return rational(-num_, den_);
    return real(-to_double());
}

namespace {
// Exact integer k-th root of v >= 0, if there is one.
std::optional<std::int64_t> exact_root(std::int64_t v, std::int64_t k) {
    if (v < 0) return std::nullopt;
    auto r = static_cast<std::int64_t>(std::llround(std::pow(static_cast<double>(v), 1.0 / k)));
    for (std::int64_t c = std::max<std::int64_t>(0, r - 1); c <= r + 1; ++c) {
        std::int64_t p = 1;
        bool ovf = false;
        for (std::int64_t i = 0; i < k && !ovf; ++i) ovf = __builtin_mul_overflow(p, c, &p);
        if (!ovf && p == v) return c;
    }
    return std::nullopt;
}
}  // namespace

std::optional<Number> Number::pow(const Number& e) const {
    if (exact_ && e.exact_) {
        // base^(p/q): exact when the q-th root of base is exact, then an integer power.
        std::int64_t p = e.num_, q = e.den_;
        if (q > 64 || (p < 0 && num_ == 0)) return std::nullopt;
        Number b = *this;
        if (q != 1) {
            auto rn = exact_root(num_, q), rd = exact_root(den_, q);
            if (!rn || !rd) return std::nullopt;  // irrational: stays symbolic (sqrt(2))
            b = rational(*rn, *rd);
        }
        std::uint64_t n = p < 0 ? -static_cast<std::uint64_t>(p) : static_cast<std::uint64_t>(p);
        if (n > 4096) return std::nullopt;
        Number r(1);
        Number acc = b;
        while (n) {  // square-and-multiply, giving up (nullopt) if it stops being exact
            if (n & 1) {
                auto m = mul(r, acc);
                if (!m || !m->exact_) return std::nullopt;
                r = *m;
            }
            n >>= 1;
            if (n) {
                auto s = mul(acc, acc);
                if (!s || !s->exact_) return std::nullopt;
                acc = *s;
            }
        }
        if (p < 0) return rational(r.den_, r.num_);
        return r;
    }
    double v = std::pow(to_double(), e.to_double());
    if (!std::isfinite(v) || (v == 0 && !is_zero())) return std::nullopt;  // stays symbolic
    return real(v);
}

int Number::compare(const Number& o) const {
    if (exact_ && o.exact_) {
        __int128 l = static_cast<__int128>(num_) * o.den_, r = static_cast<__int128>(o.num_) * den_;
        return l < r ? -1 : l > r ? 1 : 0;
    }
    double a = to_double(), b = o.to_double();
    return a < b ? -1 : a > b ? 1 : 0;
}

std::uint64_t Number::bits() const { return std::bit_cast<std::uint64_t>(value_); }

std::uint64_t Number::hash() const {
    std::uint64_t h = exact_ ? static_cast<std::uint64_t>(num_) * 0x9E3779B97F4A7C15ull ^
                                   static_cast<std::uint64_t>(den_) * 0xC2B2AE3D27D4EB4Full
                             : bits() * 0x165667B19E3779F9ull + 1;
    return h ^ (h >> 29);
}

std::optional<std::string> Number::decimal() const {
    // p/q with q = 2^a 5^b has a finite decimal expansion: p*10^k/q for the smallest k.
    if (!exact_ || den_ == 1) return std::nullopt;
    std::int64_t q = den_;
    int twos = 0, fives = 0;
    while (q % 2 == 0) q /= 2, ++twos;
    while (q % 5 == 0) q /= 5, ++fives;
    if (q != 1) return std::nullopt;
    int k = std::max(twos, fives);
    if (k > 18) return std::nullopt;  // from_decimal would not read it back exactly
    __int128 scaled = static_cast<__int128>(num_);
    for (int i = 0; i < k; ++i) scaled *= 10;
    scaled /= den_;
    bool neg = scaled < 0;
    unsigned __int128 m = neg ? -scaled : scaled;
    std::string digits;
    do { digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10))); m /= 10; } while (m);
    // beyond max_exact_digits significant digits a decimal would read back as a double
    if (digits.size() > max_exact_digits) return std::nullopt;
    while (static_cast<int>(digits.size()) <= k) digits.insert(digits.begin(), '0');
    digits.insert(digits.end() - k, '.');
    return (neg ? "-" : "") + digits;
}

std::string Number::to_string() const {
    if (exact_) return den_ == 1 ? fmt::format("{}", num_) : fmt::format("{}/{}", num_, den_);
    std::string s = fmt::format("{}", value_);  // shortest form that reads back to value_
    return s;
}

}  // namespace symact::codegen
