// zlib (Debian zlib1g-dev): gzip files are read as a stream through gzdopen/gzread.
#include <zlib.h>
