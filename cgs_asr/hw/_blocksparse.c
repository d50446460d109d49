/* Block-sparse product for the emulator's float32 fast path (see emulator.py).
 *
 *   y[o, f] = bias[o] + sum_k w[r, k, o - r*Bo] * x[gather[r, k], f]   for o in block-row r
 *
 * x is (inputs, frames) row-major; gather (block-rows, K) lists, per block-row, the input
 * rows of its kept block-columns (K = kept blocks x block width); w is (block-rows, K, Bo):
 * the kept blocks of a block-row stacked and transposed, so the Bo weights of one input are
 * adjacent.  y[o, f] is stored at y + o * ys_o + f * ys_f (ys_f == 1: outputs by row;
 * ys_o == 1: frames by row, as the logits are wanted).
 *
 * Why not gather + a batched BLAS product: with Bo = 16 every gathered input is used in
 * only 16 multiply-adds, so the gather copy and the BLAS library's own packing copy cost
 * as much as the arithmetic.  Here each input row is read in place, 24 frames at a time,
 * into registers that serve 4 outputs, with the sums held in registers over all K.
 *
 * Exactness: the caller proves every partial sum an integer below 2**24 in magnitude, so
 * every float32 operation (fused or not, in any order) is exact.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
#define VECTORS 3   /* frames per tile: three 8-float vectors */
#define OUTPUTS 4   /* outputs per tile: 12 vector sums stay in 16 AVX registers */
#define SPAN 72     /* frames done by all block-rows before the next: their inputs stay in cache */

#define INLINE static inline __attribute__((always_inline))

INLINE v8 load8(const float *p) { v8 v; memcpy(&v, p, sizeof v); return v; }
INLINE void store8(float *p, v8 v) { memcpy(p, &v, sizeof v); }

/* Outputs o0 .. o0+n-1 of one block-row, frames f0 .. f0+8*nv-1 (n and nv constants once inlined). */
INLINE void tile(const float *x, Py_ssize_t frames, const int64_t *gather, const float *w, Py_ssize_t k,
                 Py_ssize_t bo, const float *bias, float *y, Py_ssize_t ys_o, Py_ssize_t ys_f,
                 Py_ssize_t f0, Py_ssize_t o0, const int n, const int nv) {
    v8 sum[OUTPUTS][VECTORS];
    float frame_major[8 * VECTORS][OUTPUTS];   /* ys_o == 1: the tile transposed, a frame's outputs adjacent */
    for (int o = 0; o < n; o++)
        for (int j = 0; j < nv; j++)
            sum[o][j] = (v8){0} + bias[o0 + o];
    for (Py_ssize_t i = 0; i < k; i++) {
        const float *in = x + gather[i] * frames + f0;
        v8 inputs[VECTORS];
        for (int j = 0; j < nv; j++)
            inputs[j] = load8(in + 8 * j);
        const float *weight = w + i * bo + o0;
        for (int o = 0; o < n; o++)
            for (int j = 0; j < nv; j++)
                sum[o][j] += weight[o] * inputs[j];
    }
    for (int o = 0; o < n; o++)
        for (int j = 0; j < nv; j++) {
            if (ys_f == 1)
                store8(y + (o0 + o) * ys_o + f0 + 8 * j, sum[o][j]);
            else
                for (int f = 0; f < 8; f++)
                    frame_major[8 * j + f][o] = sum[o][j][f];
        }
    if (ys_f != 1)
        for (int f = 0; f < 8 * nv; f++)
            memcpy(y + o0 * ys_o + (f0 + f) * ys_f, frame_major[f], n * sizeof(float));
}

/* All outputs of one block-row, frames f0 .. f0+8*nv-1. */
INLINE void tiles(const float *x, Py_ssize_t frames, const int64_t *gather, const float *w, Py_ssize_t k,
                  Py_ssize_t bo, const float *bias, float *y, Py_ssize_t ys_o, Py_ssize_t ys_f,
                  Py_ssize_t f0, const int nv) {
    for (Py_ssize_t o0 = 0; o0 < bo; o0 += OUTPUTS) {
        switch (bo - o0 < OUTPUTS ? bo - o0 : OUTPUTS) {  /* a constant count per call: unrolled */
        case 1: tile(x, frames, gather, w, k, bo, bias, y, ys_o, ys_f, f0, o0, 1, nv); break;
        case 2: tile(x, frames, gather, w, k, bo, bias, y, ys_o, ys_f, f0, o0, 2, nv); break;
        case 3: tile(x, frames, gather, w, k, bo, bias, y, ys_o, ys_f, f0, o0, 3, nv); break;
        default: tile(x, frames, gather, w, k, bo, bias, y, ys_o, ys_f, f0, o0, OUTPUTS, nv);
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("arch=x86-64-v3", "default")))  /* AVX2 + FMA where the CPU has them */
#endif
static void block_product(const float *x, Py_ssize_t frames, const int64_t *gather, const float *w,
                          Py_ssize_t block_rows, Py_ssize_t k, Py_ssize_t bo, const float *bias, float *y,
                          Py_ssize_t ys_o, Py_ssize_t ys_f) {
    for (Py_ssize_t start = 0; start < frames; start += SPAN) {
        const Py_ssize_t stop = start + SPAN < frames ? start + SPAN : frames;
        for (Py_ssize_t r = 0; r < block_rows; r++) {
            const int64_t *g = gather + r * k;
            const float *wr = w + r * k * bo, *b = bias + r * bo;
            float *yr = y + r * bo * ys_o;
            Py_ssize_t f0 = start;
            for (; f0 + 8 * VECTORS <= stop; f0 += 8 * VECTORS)
                tiles(x, frames, g, wr, k, bo, b, yr, ys_o, ys_f, f0, VECTORS);
            for (; f0 + 8 <= stop; f0 += 8)
                tiles(x, frames, g, wr, k, bo, b, yr, ys_o, ys_f, f0, 1);
            for (Py_ssize_t o = 0; o < bo; o++) {   /* the last few frames, one at a time */
                for (Py_ssize_t f = f0; f < stop; f++) {
                    float sum = b[o];
                    for (Py_ssize_t i = 0; i < k; i++)
                        sum += wr[i * bo + o] * x[g[i] * frames + f];
                    yr[o * ys_o + f * ys_f] = sum;
                }
            }
        }
    }
}

/* product(x, frames, gather, w, block_rows, k, bo, bias, y, ys_o, ys_f): addresses of
   contiguous arrays as integers; the Python caller checks shapes and types. */
static PyObject *product(PyObject *self, PyObject *args) {
    Py_ssize_t x, frames, gather, w, block_rows, k, bo, bias, y, ys_o, ys_f;
    if (!PyArg_ParseTuple(args, "nnnnnnnnnnn", &x, &frames, &gather, &w, &block_rows, &k, &bo, &bias, &y,
                          &ys_o, &ys_f))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    block_product((const float *)x, frames, (const int64_t *)gather, (const float *)w, block_rows, k, bo,
                  (const float *)bias, (float *)y, ys_o, ys_f);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"product", product, METH_VARARGS, "Block-sparse float32 product (see the source's header)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blocksparse", NULL, -1, methods};

PyMODINIT_FUNC PyInit__blocksparse(void) { return PyModule_Create(&module); }
