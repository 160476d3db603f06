/* symact::jit from C (symact.h): mish in float, forward+backward, checked against the
 * formula. Exit status 0 when they agree. */
#include <math.h>
#include <stdio.h>

#include <symact/symact.h>

#define N 1000

int main(void) {
    static float x[N], y[N], dy[N], dx[N];
    symact_options o;
    symact_kernel *k = NULL, *k2 = NULL;
    int i, bad = 0;

    symact_options_init(&o);
    o.disk_cache = 0;
    if (symact_compile("x*tanh(softplus(x))", &o, &k) != SYMACT_OK) {
        fprintf(stderr, "compile: %s\n", symact_last_error());
        return 1;
    }
    for (i = 0; i < N; ++i) {
        x[i] = -8.0f + 16.0f * (float)i / N;
        dy[i] = 1.0f;
    }
    if (symact_forward_backward(k, x, dy, y, dx, N, NULL, NULL) != SYMACT_OK) {
        fprintf(stderr, "run: %s\n", symact_last_error());
        return 1;
    }
    for (i = 0; i < N; ++i) {
        double v = x[i], sp = log1p(exp(v)), t = tanh(sp), s = 1.0 / (1.0 + exp(-v));
        double f = v * t, df = t + v * (1.0 - t * t) * s;
        if (fabs(y[i] - f) > 1e-5 * (1.0 + fabs(f)) || fabs(dx[i] - df) > 1e-5 * (1.0 + fabs(df))) ++bad;
    }
    /* bad input: an error code and a message */
    if (symact_compile("x*tanh(", &o, &k2) == SYMACT_OK || symact_last_error()[0] == '\0') ++bad;
    printf("jit (C): d/dx = %s, %d mismatches\n", symact_derivative(k, "x"), bad);
    symact_release(k);
    return bad == 0 ? 0 : 1;
}
