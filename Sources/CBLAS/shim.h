// OpenBLAS's CBLAS interface plus its run-time queries (openblas_get_corename & co).
#include <cblas.h>
