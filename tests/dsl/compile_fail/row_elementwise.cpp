#include <symact/dsl.hpp>
#include <symact/dsl/row.hpp>
using namespace symact::dsl;
// rowmax has no elementwise derivative: row expressions go to symact::row_kernel
auto f() { return symact::kernel(exp(x - rowmax(x))); }
