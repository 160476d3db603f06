// symact eval of a concatenation (tools/eval_concat.cpp): the request cmd_eval.cpp reads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "symact/codegen/concat.hpp"
#include "symact/codegen/eval.hpp"

namespace symact::cli {

struct ConcatRequest {
    std::string text, engine;
    std::vector<codegen::ConcatPart> parts;
    std::vector<double> at, dy;  // dy: one per output (parts * at.size()), in the output's order
    codegen::ParamValues params;
    std::size_t channels = 1, inner = 1;  // at is (N, channels, inner)
    bool json = false;
    std::uint64_t seed = 0, offset = 0;
};

// Checks the parameters against the parts' and prints the outputs and dx (exit status 0).
int eval_concat(const ConcatRequest& rq, bool f32);

}  // namespace symact::cli
