// zlib's gzip stream reader, for .gz data files.
#include <zlib.h>
