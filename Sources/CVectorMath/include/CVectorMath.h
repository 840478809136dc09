// Square roots for the optimizer loops (Adam, RMSprop) that never set errno.
//
// Swift's Float.squareRoot() reaches C's sqrtf on Linux; with C's errno semantics clang guards it
// with a library call for negative inputs, and that call keeps the loops from vectorizing. The
// fix used to be -fno-math-errno, an unsafe flag that stops SwiftPM from building LRFinder as a
// versioned dependency. Clang's __builtin_elementwise_sqrt is the IEEE 754 square root (correctly
// rounded, the same bits as sqrtf) and is defined not to touch errno, so it compiles to sqrtss /
// sqrtps. The functions are static inline so that they are inlined into the Swift loops.
#ifndef CVECTORMATH_H
#define CVECTORMATH_H

/// Eight floats in one vector; Swift sees it as SIMD8<Float>.
typedef float lrf_float8 __attribute__((ext_vector_type(8)));

/// The square root of x, correctly rounded; errno is left alone.
static inline __attribute__((always_inline)) float lrf_sqrt(float x) {
    return __builtin_elementwise_sqrt(x);
}

/// The square root of each lane of x, correctly rounded; errno is left alone.
static inline __attribute__((always_inline)) lrf_float8 lrf_sqrt8(lrf_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

#endif
