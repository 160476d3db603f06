// Every elementary function of symact::math.  See primitives.hpp for the operations a
// backend must provide and docs/ACCURACY.md for the measured accuracy.
#pragma once

#include <symact/math/primitives.hpp>
#include <symact/math/helpers.hpp>
#include <symact/math/exp.hpp>
#include <symact/math/log.hpp>
#include <symact/math/tanh.hpp>
#include <symact/math/sigmoid.hpp>
#include <symact/math/tanh_softplus.hpp>
#include <symact/math/erf.hpp>
#include <symact/math/trig.hpp>
#include <symact/math/hyperbolic.hpp>
#include <symact/math/pow.hpp>
#include <symact/math/random.hpp>
