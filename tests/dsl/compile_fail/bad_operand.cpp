#include <string>
#include <symact/dsl.hpp>
using namespace symact::dsl;
auto f() { return exp(x) + std::string("1"); }  // not an expression
