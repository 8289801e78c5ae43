// Plain-C shim over ICU; see include/cicu.h for the contract of every function.
#include "cicu.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

int32_t cicu_version_major(void) {
    UVersionInfo v;
    u_getVersion(v);
    return v[0];
}

// MARK: - Normalization and case mapping

/// A UTF-16 work buffer that starts on the stack and moves to the heap when it must grow.
typedef struct {
    UChar *data;
    int32_t capacity;
    int32_t length;
    int onHeap;
} work_buffer;

static int grow(work_buffer *w, int32_t needed) {
    UChar *p = malloc(sizeof(UChar) * (size_t)needed);
    if (!p) return 0;
    if (w->onHeap) free(w->data);
    w->data = p;
    w->capacity = needed;
    w->onHeap = 1;
    return 1;
}

enum { STEP_NORMALIZE, STEP_LOWER, STEP_FOLD };

/// Runs one step from `src` into `dst`, growing `dst` once if ICU reports overflow.
static int run_step(int step, const UNormalizer2 *n2, const char *locale, const work_buffer *src,
                    work_buffer *dst, UErrorCode *st) {
    for (int attempt = 0; attempt < 2; attempt++) {
        *st = U_ZERO_ERROR;
        int32_t len = 0;
        switch (step) {
        case STEP_NORMALIZE:
            len = unorm2_normalize(n2, src->data, src->length, dst->data, dst->capacity, st);
            break;
        case STEP_LOWER:
            len = u_strToLower(dst->data, dst->capacity, src->data, src->length, locale, st);
            break;
        default:
            len = u_strFoldCase(dst->data, dst->capacity, src->data, src->length,
                                U_FOLD_CASE_DEFAULT, st);
            break;
        }
        if (*st == U_BUFFER_OVERFLOW_ERROR) {
            if (!grow(dst, len + 1)) { *st = U_MEMORY_ALLOCATION_ERROR; return 0; }
            continue;
        }
        if (U_FAILURE(*st)) return 0;
        dst->length = len;
        return 1;
    }
    return 0;
}

int32_t cicu_transform(int32_t norm, int32_t caseop, const char *locale, const uint8_t *utf8,
                       int32_t length, uint8_t *out, int32_t capacity, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *n2 = NULL;
    if (norm == CICU_NORM_NFC) n2 = unorm2_getNFCInstance(&st);
    else if (norm == CICU_NORM_NFKC) n2 = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st)) { *status = st; return -1; }

    UChar stackA[256], stackB[256];
    work_buffer a = {stackA, 256, 0, 0}, b = {stackB, 256, 0, 0};
    work_buffer *cur = &a, *other = &b;
    int32_t result = -1;
    if (length > a.capacity && !grow(&a, length)) { st = U_MEMORY_ALLOCATION_ERROR; goto done; }
    a.length = cicu_decode_utf8(utf8, length, a.data, NULL);  // no map: never negative

    int steps[3], nsteps = 0;
    if (n2) steps[nsteps++] = STEP_NORMALIZE;
    if (caseop == CICU_CASE_LOWER) steps[nsteps++] = STEP_LOWER;
    if (caseop == CICU_CASE_FOLD) steps[nsteps++] = STEP_FOLD;
    if (n2 && caseop != CICU_CASE_NONE) steps[nsteps++] = STEP_NORMALIZE;
    for (int i = 0; i < nsteps; i++) {
        if (!run_step(steps[i], n2, locale, cur, other, &st)) goto done;
        work_buffer *t = cur; cur = other; other = t;
    }

    st = U_ZERO_ERROR;
    u_strToUTF8((char *)out, capacity, &result, cur->data, cur->length, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING) st = U_ZERO_ERROR;
done:
    if (a.onHeap) free(a.data);
    if (b.onHeap) free(b.data);
    *status = st;
    return U_FAILURE(st) ? -1 : result;
}
