// oneDNN's C API (Debian libdnnl-dev 2.6): dnnl_sgemm is the one matrix product the numeric core uses.
#include <oneapi/dnnl/dnnl.h>
