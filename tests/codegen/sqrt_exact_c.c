/* The C header's sqrt, for sqrt_exact.cpp. */
#include "exact_sqrt_c.h"

void c_sqrt_f32(const float* x, float* y, size_t n) { exact_sqrt_c_forward_f32(x, y, n); }
void c_sqrt_f64(const double* x, double* y, size_t n) { exact_sqrt_c_forward_f64(x, y, n); }
