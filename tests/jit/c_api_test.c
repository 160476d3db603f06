/* The C API from C: compile, run, gradients, errors, release. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "symact/symact.h"

static int failures = 0;
#define CHECK(c)                                                     \
    do {                                                             \
        if (!(c)) {                                                  \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); \
            ++failures;                                              \
        }                                                            \
    } while (0)

int main(void) {
    symact_options o;
    symact_options_init(&o);
    symact_kernel* k = NULL;
    CHECK(symact_compile("where(x > 0, x, alpha*(exp(x) - 1))", &o, &k) == SYMACT_OK);
    CHECK(k != NULL);
    CHECK(symact_dtype(k) == SYMACT_F32);
    CHECK(symact_param_count(k) == 1);
    CHECK(strcmp(symact_param_name(k, 0), "alpha") == 0);
    CHECK(symact_param_name(k, 1) == NULL);
    const char* d = symact_derivative(k, "x");
    CHECK(d && strcmp(d, "where(x > 0, 1, alpha*exp(x))") == 0);
    CHECK(symact_derivative(k, "beta") == NULL);
    CHECK(strstr(symact_last_error(), "'beta' is not a parameter") != NULL);

    float x[5] = {-2.f, -1.f, 0.f, 1.f, 2.f}, dy[5] = {1.f, 1.f, 1.f, 1.f, 2.f}, y[5], dx[5];
    double alpha = 1.5, dalpha = -1;
    CHECK(symact_forward(k, x, y, 5, &alpha) == SYMACT_OK);
    CHECK(fabsf(y[0] - 1.5f * expm1f(-2.f)) < 1e-6f && y[4] == 2.f);
    CHECK(symact_forward_backward(k, x, dy, y, dx, 5, &alpha, &dalpha) == SYMACT_OK);
    CHECK(fabs(dalpha - (expm1(-2.0) + expm1(-1.0))) < 1e-6);
    CHECK(dx[4] == 2.f && fabsf(dx[0] - 1.5f * expf(-2.f)) < 1e-6f);
    CHECK(symact_backward(k, x, dy, dy, 5, &alpha, &dalpha) == SYMACT_OK); /* dx = dy in place */
    CHECK(dy[4] == 2.f);

    /* per channel: (N = 1, C = 2, inner = 2) plus one element? no: 4 elements */
    float xc[4] = {-1.f, -1.f, -1.f, -1.f}, yc[4];
    double slopes[2] = {1.0, 2.0}, dslopes[2];
    size_t counts[1] = {2};
    float ones[4] = {1.f, 1.f, 1.f, 1.f}, dxc[4];
    CHECK(symact_run(k, 2, xc, ones, yc, dxc, 4, 2, 2, slopes, counts, dslopes) == SYMACT_OK);
    CHECK(fabsf(yc[0] - expm1f(-1.f)) < 1e-6f && fabsf(yc[3] - 2.f * expm1f(-1.f)) < 1e-6f);
    CHECK(fabs(dslopes[0] - 2 * expm1(-1.0)) < 1e-6 && fabs(dslopes[1] - 2 * expm1(-1.0)) < 1e-6);

    /* errors: codes and messages, no abort */
    CHECK(symact_forward(k, x, y, 5, NULL) == SYMACT_ERR_ARG);
    CHECK(strstr(symact_last_error(), "params is NULL") != NULL);
    counts[0] = 3;
    CHECK(symact_run(k, 0, xc, NULL, yc, NULL, 4, 2, 2, slopes, counts, NULL) == SYMACT_ERR_ARG);
    CHECK(symact_run(k, 7, xc, NULL, yc, NULL, 4, 1, 0, slopes, NULL, NULL) == SYMACT_ERR_ARG);
    symact_kernel* bad = NULL;
    CHECK(symact_compile("x*softpluss(x)", NULL, &bad) == SYMACT_ERR_EXPR);
    CHECK(bad == NULL);
    CHECK(strstr(symact_last_error(), "did you mean 'softplus'") != NULL);
    CHECK(symact_forward(NULL, x, y, 5, NULL) == SYMACT_ERR_ARG);
    symact_release(k);

    /* float64 */
    o.dtype = SYMACT_F64;
    CHECK(symact_compile("x*tanh(softplus(x))", &o, &k) == SYMACT_OK);
    double xd[3] = {-1.0, 0.0, 1.0}, yd[3];
    CHECK(symact_forward(k, xd, yd, 3, NULL) == SYMACT_OK);
    CHECK(fabs(yd[2] - tanh(log1p(exp(1.0)))) < 1e-15);
    symact_release(k);

    /* noise: seeded draws, chunk offsets (float32) */
    o.dtype = SYMACT_F32;
    CHECK(symact_compile("x + uniform(0)", &o, &k) == SYMACT_OK);
    float xn[6] = {0, 0, 0, 0, 0, 0}, ya[6], yb[6], yc2[6];
    CHECK(symact_run_seeded(k, 0, xn, NULL, ya, NULL, 6, 1, 0, NULL, NULL, NULL, 42, 0) == SYMACT_OK);
    CHECK(symact_run_seeded(k, 0, xn, NULL, yb, NULL, 2, 1, 0, NULL, NULL, NULL, 42, 0) == SYMACT_OK);
    CHECK(symact_run_seeded(k, 0, xn, NULL, yb + 2, NULL, 4, 1, 0, NULL, NULL, NULL, 42, 2) == SYMACT_OK);
    CHECK(memcmp(ya, yb, sizeof ya) == 0);
    CHECK(symact_run_seeded(k, 0, xn, NULL, yc2, NULL, 6, 1, 0, NULL, NULL, NULL, 43, 0) == SYMACT_OK);
    CHECK(memcmp(ya, yc2, sizeof ya) != 0);
    for (int i = 0; i < 6; ++i) CHECK(ya[i] >= 0.f && ya[i] < 1.f);
    symact_release(k);
    symact_release(NULL);

    /* a concatenation: crelu's (N = 2, C = 1, inner = 2) -> (2, 2, 2), and a parameter */
    CHECK(symact_compile("crelu", &o, &k) == SYMACT_OK);
    CHECK(symact_parts(k) == 2);
    const char* dc = symact_derivative(k, "x");
    CHECK(dc && strcmp(dc, "concat(where(x > 0, 1, 0), where(-x > 0, -1, 0))") == 0);
    float xr[4] = {1.f, -2.f, 3.f, 0.f}, yr[8], dyr[8] = {1, 2, 3, 4, 5, 6, 7, 8}, dxr[4];
    const float want_y[8] = {1, 0, 0, 2, 3, 0, 0, 0}, want_dx[4] = {1, -4, 5, 0};
    CHECK(symact_run(k, 2, xr, dyr, yr, dxr, 4, 1, 2, NULL, NULL, NULL) == SYMACT_OK);
    CHECK(memcmp(yr, want_y, sizeof yr) == 0);
    CHECK(memcmp(dxr, want_dx, sizeof dxr) == 0);
    CHECK(symact_run(k, 0, xr, NULL, xr, NULL, 4, 1, 2, NULL, NULL, NULL) == SYMACT_ERR_ARG); /* in place */
    CHECK(strstr(symact_last_error(), "cannot run in place") != NULL);
    symact_release(k);
    CHECK(symact_compile("concat(a*x, x)", &o, &k) == SYMACT_OK);
    CHECK(symact_param_count(k) == 1 && strcmp(symact_param_name(k, 0), "a") == 0);
    const char* da = symact_derivative(k, "a");
    CHECK(da && strcmp(da, "concat(x, 0)") == 0);
    double a2 = 2.0, da2 = 0;
    float xa[2] = {1.f, 3.f}, yca[4], dya[4] = {1, 1, 1, 1}, dxa[2];
    CHECK(symact_forward_backward(k, xa, dya, yca, dxa, 2, &a2, &da2) == SYMACT_OK);
    CHECK(yca[0] == 2.f && yca[1] == 6.f && yca[2] == 1.f && yca[3] == 3.f && dxa[0] == 3.f && da2 == 4.0);
    symact_release(k);
    CHECK(symact_compile("x + crelu(x)", &o, &k) == SYMACT_ERR_EXPR);
    CHECK(strstr(symact_last_error(), "several outputs") != NULL);

    if (failures) fprintf(stderr, "%d failures\n", failures);
    else printf("C API: all checks passed\n");
    return failures ? 1 : 0;
}
