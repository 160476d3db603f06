// Compiled to assembly by check_no_calls.cmake (test nn_no_calls): every layer kernel must be
// call-free (Philox, log, cos, sigmoid inlined) and vectorized.
#include <symact/nn/all.hpp>

using namespace symact::nn;

#define NN_KERNELS(T)                                                                                         \
  extern "C" void nn_kern_maxout_fwd_##T(const T* x, T* y, std::size_t n, std::size_t c, std::size_t inner,   \
                                         std::size_t k) {                                                     \
    detail::maxout_forward(x, y, n, c, inner, k);                                                            \
  }                                                                                                           \
  extern "C" void nn_kern_maxout_bwd_##T(const T* x, const T* dy, T* dx, std::size_t n, std::size_t c,        \
                                         std::size_t inner, std::size_t k) {                                  \
    detail::maxout_backward(x, dy, dx, n, c, inner, k);                                                      \
  }                                                                                                           \
  extern "C" void nn_kern_crelu_fwd_##T(const T* x, T* y, std::size_t n, std::size_t c, std::size_t inner) {  \
    detail::crelu_forward(x, y, n, c, inner);                                                                \
  }                                                                                                           \
  extern "C" void nn_kern_crelu_bwd_##T(const T* x, const T* dy, T* dx, std::size_t n, std::size_t c,         \
                                        std::size_t inner) {                                                  \
    detail::crelu_backward(x, dy, dx, n, c, inner);                                                          \
  }                                                                                                           \
  extern "C" void nn_kern_rrelu_fwd_##T(const T* x, T* y, std::size_t n, T lo, T w, std::uint64_t seed,       \
                                        std::uint64_t off) {                                                  \
    detail::rrelu_train_forward(x, y, n, lo, w, seed, off);                                                  \
  }                                                                                                           \
  extern "C" void nn_kern_rrelu_bwd_##T(const T* x, const T* dy, T* dx, std::size_t n, T lo, T w,             \
                                        std::uint64_t seed, std::uint64_t off) {                              \
    detail::rrelu_train_backward(x, dy, dx, n, lo, w, seed, off);                                            \
  }                                                                                                           \
  extern "C" void nn_kern_nhsig_fwd_##T(const T* x, T* y, std::size_t n, const detail::noisy_consts<T>* k) {  \
    detail::noisy_forward<noisy_kind::hard_sigmoid>(x, y, n, *k, true);                                      \
  }                                                                                                           \
  extern "C" void nn_kern_nhtanh_bwd_##T(const T* x, const T* dy, T* dx, std::size_t n,                       \
                                         const detail::noisy_consts<T>* k) {                                  \
    detail::noisy_backward<noisy_kind::hard_tanh>(x, dy, dx, n, *k, true);                                   \
  }

NN_KERNELS(float)
NN_KERNELS(double)
