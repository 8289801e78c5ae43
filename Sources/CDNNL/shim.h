// oneDNN's C API (Debian libdnnl-dev 2.6). Only dnnl_sgemm and thread control are used.
#include <oneapi/dnnl/dnnl.h>
