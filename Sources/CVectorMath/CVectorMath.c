// Everything is static inline in include/CVectorMath.h; SwiftPM needs one source file to build
// the target.
#include "CVectorMath.h"
