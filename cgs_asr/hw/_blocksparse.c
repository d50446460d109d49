/* Block-sparse product for the emulator's float32 fast path (see emulator.py).
 *
 *   y[f, o] = bias[o] + sum_k w[r, k, o - r*Bo] * x[f, gather[r, k]]   for o in block-row r
 *
 * x is (frames, inputs) with rows xs floats apart; gather (block-rows, K) lists, per
 * block-row, the input columns of its kept block-columns (K = kept blocks x block width);
 * w is (block-rows, K, Bo): the kept blocks of a block-row stacked and transposed, so the
 * Bo weights of one input are adjacent, and Bo is a multiple of 8 (the caller pads block-rows
 * with zero weights).  y is (frames, block-rows * Bo) with rows ys floats apart.
 *
 * The inner loop is a register tile of 6 frames x 16 outputs (12 vector sums in 16 AVX
 * registers): per kept input, two vector loads of adjacent weights and six broadcasts of
 * the frames' input values.  Each block-row's weights (K x Bo floats, a few kB) serve a span
 * of frames from the L1 cache before the next block-row's are read.  Why not gather + a
 * batched BLAS product: with Bo = 16 every gathered input is used in only 16 multiply-adds,
 * so the gather copy and the BLAS library's own packing copy cost as much as the arithmetic.
 *
 * Exactness: the caller proves every partial sum an integer below 2**24 in magnitude, so
 * every float32 operation (fused or not, in any order) is exact.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
#define FRAMES 6    /* frames per tile */
#define WIDTH 2     /* 8-output vectors per tile: 16 outputs */
#define SPAN 96     /* frames done by one block-row before the next: its weights stay in cache */

#define INLINE static inline __attribute__((always_inline))

INLINE v8 load8(const float *p) { v8 v; memcpy(&v, p, sizeof v); return v; }
INLINE void store8(float *p, v8 v) { memcpy(p, &v, sizeof v); }

/* Frames f0 .. f0+nf-1, outputs o0 .. o0+8*nw-1 of one block-row (nf and nw constants once inlined). */
INLINE void tile(const float *x, Py_ssize_t xs, const int64_t *gather, const float *w, Py_ssize_t k,
                 Py_ssize_t bo, const float *bias, float *y, Py_ssize_t ys, Py_ssize_t f0, Py_ssize_t o0,
                 const int nf, const int nw) {
    v8 sum[FRAMES][WIDTH];
    for (int v = 0; v < nw; v++) {
        const v8 b = load8(bias + o0 + 8 * v);
        for (int j = 0; j < nf; j++)
            sum[j][v] = b;
    }
    const float *in = x + f0 * xs;
    for (Py_ssize_t i = 0; i < k; i++) {
        const float *weight = w + i * bo + o0;
        v8 wv[WIDTH];
        for (int v = 0; v < nw; v++)
            wv[v] = load8(weight + 8 * v);
        const Py_ssize_t column = gather[i];
        for (int j = 0; j < nf; j++) {
            const float value = in[j * xs + column];
            for (int v = 0; v < nw; v++)
                sum[j][v] += value * wv[v];
        }
    }
    for (int j = 0; j < nf; j++)
        for (int v = 0; v < nw; v++)
            store8(y + (f0 + j) * ys + o0 + 8 * v, sum[j][v]);
}

/* All outputs of one block-row, frames f0 .. f0+nf-1. */
INLINE void tiles(const float *x, Py_ssize_t xs, const int64_t *gather, const float *w, Py_ssize_t k,
                  Py_ssize_t bo, const float *bias, float *y, Py_ssize_t ys, Py_ssize_t f0, const int nf) {
    Py_ssize_t o0 = 0;
    for (; o0 + 8 * WIDTH <= bo; o0 += 8 * WIDTH)
        tile(x, xs, gather, w, k, bo, bias, y, ys, f0, o0, nf, WIDTH);
    if (o0 < bo)   /* bo is a multiple of 8: one vector left */
        tile(x, xs, gather, w, k, bo, bias, y, ys, f0, o0, nf, 1);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("arch=x86-64-v3", "default")))  /* AVX2 + FMA where the CPU has them */
#endif
static void block_product(const float *x, Py_ssize_t frames, Py_ssize_t xs, const int64_t *gather,
                          const float *w, Py_ssize_t block_rows, Py_ssize_t k, Py_ssize_t bo, const float *bias,
                          float *y, Py_ssize_t ys) {
    for (Py_ssize_t start = 0; start < frames; start += SPAN) {
        const Py_ssize_t stop = start + SPAN < frames ? start + SPAN : frames;
        for (Py_ssize_t r = 0; r < block_rows; r++) {
            const int64_t *g = gather + r * k;
            const float *wr = w + r * k * bo, *b = bias + r * bo;
            float *yr = y + r * bo;
            Py_ssize_t f0 = start;
            for (; f0 + FRAMES <= stop; f0 += FRAMES)
                tiles(x, xs, g, wr, k, bo, b, yr, ys, f0, FRAMES);
            switch (stop - f0) {   /* the last frames of the span: a constant count per call, unrolled */
            case 1: tiles(x, xs, g, wr, k, bo, b, yr, ys, f0, 1); break;
            case 2: tiles(x, xs, g, wr, k, bo, b, yr, ys, f0, 2); break;
            case 3: tiles(x, xs, g, wr, k, bo, b, yr, ys, f0, 3); break;
            case 4: tiles(x, xs, g, wr, k, bo, b, yr, ys, f0, 4); break;
            case 5: tiles(x, xs, g, wr, k, bo, b, yr, ys, f0, 5); break;
            }
        }
    }
}

/* product(x, frames, xs, gather, w, block_rows, k, bo, bias, y, ys): addresses of arrays as
   integers and the sizes above; the Python caller checks shapes, strides and types. */
static PyObject *product(PyObject *self, PyObject *args) {
    Py_ssize_t x, frames, xs, gather, w, block_rows, k, bo, bias, y, ys;
    if (!PyArg_ParseTuple(args, "nnnnnnnnnnn", &x, &frames, &xs, &gather, &w, &block_rows, &k, &bo, &bias, &y,
                          &ys))
        return NULL;
    if (bo % 8 != 0) {
        PyErr_SetString(PyExc_ValueError, "block-rows must be padded to a multiple of 8 outputs");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    block_product((const float *)x, frames, xs, (const int64_t *)gather, (const float *)w, block_rows, k, bo,
                  (const float *)bias, (float *)y, ys);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"product", product, METH_VARARGS, "Block-sparse float32 product (see the source's header)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_blocksparse", NULL, -1, methods};

PyMODINIT_FUNC PyInit__blocksparse(void) { return PyModule_Create(&module); }
