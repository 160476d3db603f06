// Every layer of symact::nn (docs/NN.md).
#pragma once
#include <symact/nn/crelu.hpp>
#include <symact/nn/config.hpp>
#include <symact/nn/maxout.hpp>
#include <symact/nn/noisy.hpp>
#include <symact/nn/philox.hpp>
#include <symact/nn/random.hpp>
#include <symact/nn/rrelu.hpp>
#include <symact/nn/shape.hpp>
