/* symact C API: compile an activation written as a string into forward / backward / fused
 * kernels (LLVM ORC JIT) and call them; for C programs and other languages through FFI.
 *
 * Every function returns SYMACT_OK (0) or an error code; symact_last_error() then holds a
 * message for the calling thread. Nothing aborts. Data arrays hold the kernel's dtype
 * (float for SYMACT_F32, double for SYMACT_F64); y may equal x and dx may equal dy.
 * Parameters are passed in symact_param_name() order (sorted by name). */
#ifndef SYMACT_SYMACT_H
#define SYMACT_SYMACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { SYMACT_OK = 0, SYMACT_ERR_EXPR = 1, SYMACT_ERR_ARG = 2, SYMACT_ERR_INTERNAL = 3 };
enum { SYMACT_F32 = 0, SYMACT_F64 = 1 };

typedef struct symact_kernel symact_kernel;

typedef struct symact_options {
    int dtype;              /* SYMACT_F32 (default) or SYMACT_F64 */
    unsigned vector_width;  /* lanes; 0: the host's widest */
    int memory_cache;       /* nonzero (default): reuse kernels compiled in this process */
    int disk_cache;         /* nonzero (default): use the disk cache (SYMACT_CACHE=off wins) */
    const char* cache_dir;  /* NULL (default): $SYMACT_CACHE_DIR, $XDG_CACHE_HOME/symact, ~/.cache/symact */
} symact_options;

/* Fills *opts with the defaults. */
void symact_options_init(symact_options* opts);

/* Compiles expr (e.g. "x*tanh(softplus(x))"); opts may be NULL. *out receives a handle
 * that symact_release() frees. A concatenation ("crelu", "concat(e1, ..., eK)": K outputs per
 * input, docs/SYNTAX.md) compiles too: its y and dy then hold symact_parts() * n values in the
 * (N, K*channels, inner) layout, dx = sum of the parts' dx, and its derivative prints as
 * concat(d1, ..., dK). y may not alias x nor dx alias dy there. */
int symact_compile(const char* expr, const symact_options* opts, symact_kernel** out);
void symact_release(symact_kernel* k);

/* The message of the calling thread's last error ("" if none). Valid until its next call. */
const char* symact_last_error(void);

int symact_dtype(const symact_kernel* k);
/* Outputs per input: K for a concatenation, else 1. */
size_t symact_parts(const symact_kernel* k);
size_t symact_param_count(const symact_kernel* k);
const char* symact_param_name(const symact_kernel* k, size_t i); /* NULL if out of range */
/* The derivative with respect to wrt ("x" or a parameter name), printed; NULL on error.
 * Valid until the kernel is released. */
const char* symact_derivative(symact_kernel* k, const char* wrt);

/* Per tensor: params holds one value per parameter, dparams receives one sum per parameter
 * (sum over i of dy[i] * df/dp(x[i])). params / dparams may be NULL without parameters. */
int symact_forward(const symact_kernel* k, const void* x, void* y, size_t n, const double* params);
int symact_backward(const symact_kernel* k, const void* x, const void* dy, void* dx, size_t n,
                    const double* params, double* dparams);
int symact_forward_backward(const symact_kernel* k, const void* x, const void* dy, void* y,
                            void* dx, size_t n, const double* params, double* dparams);

/* Any layout (N, channels, inner) with per-tensor or per-channel parameters: parameter j
 * has counts[j] values (1 or channels), stored one after another in params; dparams gets
 * the same shape. mode: 0 forward, 1 backward, 2 forward_backward (unused pointers may be
 * NULL). inner = 0 means n / channels. */
int symact_run(const symact_kernel* k, int mode, const void* x, const void* dy, void* y, void* dx,
               size_t n, size_t channels, size_t inner, const double* params,
               const size_t* counts, double* dparams);

/* symact_run for expressions with noise ops (uniform(k), normal(k)): the numbers depend on
 * seed and on each element's global index, offset + i for x[i]. The other calls use seed 0,
 * offset 0. Give backward the forward's seed and offset to regenerate its draws. */
int symact_run_seeded(const symact_kernel* k, int mode, const void* x, const void* dy, void* y,
                      void* dx, size_t n, size_t channels, size_t inner, const double* params,
                      const size_t* counts, double* dparams, uint64_t seed, uint64_t offset);

#ifdef __cplusplus
}
#endif

#endif
