// Plain-C shim over ICU; see cicu.c. Filled in by the Tokenize work.
#pragma once
#include <stdint.h>
int32_t cicu_version_major(void);
