// Plain-C shim over ICU; see include/cicu.h for the contract of every function.
#include "cicu.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

int32_t cicu_version_major(void) {
    UVersionInfo v;
    u_getVersion(v);
    return v[0];
}

// MARK: - UTF-8 decoding

/// Decodes one multi-byte sequence starting at s[0] (s[0] >= 0x80) with `avail` bytes available.
/// Returns the number of bytes consumed and stores the code point, or returns 0 if ill-formed.
static inline int32_t decode_multibyte(const uint8_t *s, int64_t avail, uint32_t *cp) {
    uint8_t c = s[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (avail < 2 || (s[1] & 0xC0) != 0x80) return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3) return 0;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c == 0xE0) lo = 0xA0;       // overlong
        else if (c == 0xED) hi = 0x9F;  // surrogates
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80) return 0;
        *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4) return 0;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c == 0xF0) lo = 0x90;       // overlong
        else if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
        if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    return 0;
}

static inline int is_ascii8(const uint8_t *s) {
    uint64_t w;
    memcpy(&w, s, 8);
    return (w & 0x8080808080808080ULL) == 0;
}

int64_t cicu_utf8_find_invalid(const uint8_t *s, int64_t length) {
    int64_t i = 0;
    while (i < length) {
        while (i + 8 <= length && is_ascii8(s + i)) i += 8;
        if (i >= length) break;
        if (s[i] < 0x80) { i++; continue; }
        uint32_t cp;
        int32_t n = decode_multibyte(s + i, length - i, &cp);
        if (n == 0) return i;
        i += n;
    }
    return -1;
}

/// UTF-8 -> UTF-16. `out` must hold `length` units. When `map` is not NULL it receives, for every
/// UTF-16 unit, the byte offset of the code point it belongs to, and map[units] = length; while
/// the text is pure ASCII the map is the identity and is only filled from the first non-ASCII
/// byte on (when that happens, the ASCII prefix is filled in too).
static int32_t decode_utf8(const uint8_t *s, int32_t length, UChar *out, int32_t *map) {
    int32_t i = 0, j = 0;
    int mapping = 0;  // map filled up to j
    while (i < length) {
        while (i + 8 <= length && is_ascii8(s + i)) {
            for (int k = 0; k < 8; k++) out[j + k] = s[i + k];
            if (mapping) for (int k = 0; k < 8; k++) map[j + k] = i + k;
            i += 8;
            j += 8;
        }
        if (i >= length) break;
        uint8_t c = s[i];
        if (c < 0x80) {
            out[j] = c;
            if (mapping) map[j] = i;
            i++;
            j++;
            continue;
        }
        if (map && !mapping) {
            for (int32_t k = 0; k < j; k++) map[k] = k;  // ASCII so far: i == j
            mapping = 1;
        }
        uint32_t cp;
        int32_t n = decode_multibyte(s + i, length - i, &cp);
        if (n == 0) { cp = 0xFFFD; n = 1; }
        if (cp >= 0x10000) {
            out[j] = (UChar)(0xD7C0 + (cp >> 10));
            out[j + 1] = (UChar)(0xDC00 | (cp & 0x3FF));
            if (map) { map[j] = i; map[j + 1] = i; }
            j += 2;
        } else {
            out[j] = (UChar)cp;
            if (map) map[j] = i;
            j++;
        }
        i += n;
    }
    if (mapping) map[j] = length;
    return mapping ? -j - 1 : j;
}

int32_t cicu_utf8_to_utf16(const uint8_t *utf8, int32_t length, uint16_t *out, int32_t capacity) {
    if (length < 0 || capacity < length) return -1;
    return decode_utf8(utf8, length, (UChar *)out, NULL);  // never negative without a map
}

// MARK: - Break iteration

struct cicu_breaker {
    UBreakIterator *iterator;
    UChar *text;        // UTF-16 copy of the current buffer
    int32_t *byteOf;    // UTF-16 index -> UTF-8 byte offset, capacity + 1 entries
    int32_t capacity;   // units available in text
    int32_t *ranges;    // 2 per segment
    int64_t rangeCapacity;
};

cicu_breaker *cicu_breaker_open(int32_t kind, const char *locale, int32_t *status) {
    UBreakIteratorType type;
    switch (kind) {
    case CICU_BREAK_CHARACTER: type = UBRK_CHARACTER; break;
    case CICU_BREAK_WORD: type = UBRK_WORD; break;
    case CICU_BREAK_SENTENCE: type = UBRK_SENTENCE; break;
    default: *status = U_ILLEGAL_ARGUMENT_ERROR; return NULL;
    }
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(type, locale, NULL, 0, &st);
    if (U_FAILURE(st)) { *status = st; return NULL; }
    cicu_breaker *b = calloc(1, sizeof *b);
    if (!b) { ubrk_close(it); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    b->iterator = it;
    *status = U_ZERO_ERROR;
    return b;
}

void cicu_breaker_close(cicu_breaker *b) {
    if (!b) return;
    ubrk_close(b->iterator);
    free(b->text);
    free(b->byteOf);
    free(b->ranges);
    free(b);
}

static int reserve_text(cicu_breaker *b, int32_t units) {
    if (units <= b->capacity && b->text) return 1;
    int32_t cap = units < 256 ? 256 : units + units / 2;
    if (cap < units) cap = units;  // overflow guard (units <= 2^30)
    UChar *t = realloc(b->text, sizeof(UChar) * (size_t)cap);
    if (!t) return 0;
    b->text = t;
    int32_t *m = realloc(b->byteOf, sizeof(int32_t) * ((size_t)cap + 1));
    if (!m) return 0;
    b->byteOf = m;
    b->capacity = cap;
    return 1;
}

/// Whitespace that separates tokens: Unicode White_Space plus the invisible separators
/// U+200B (zero width space), U+2060 (word joiner) and U+FEFF (byte order mark).
static inline int is_separator(UChar c) {
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
    return c == 0x200B || c == 0x2060 || c == 0xFEFF || u_isUWhiteSpace(c);
}

const int32_t *cicu_breaker_segment(cicu_breaker *b, const uint8_t *utf8, int32_t length,
                                    int32_t flags, int32_t *count, int32_t *status) {
    *count = 0;
    if (length < 0 || length > (1 << 30)) { *status = U_ILLEGAL_ARGUMENT_ERROR; return NULL; }
    if (!reserve_text(b, length)) { *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    int32_t units = decode_utf8(utf8, length, b->text, b->byteOf);
    int ascii = units >= 0;  // then UTF-16 index == byte offset and byteOf is not filled
    if (!ascii) units = -units - 1;

    // A text of n units has at most n segments.
    int64_t needed = 2 * (int64_t)(units > 0 ? units : 1);
    if (needed > b->rangeCapacity) {
        int32_t *r = realloc(b->ranges, sizeof(int32_t) * (size_t)needed);
        if (!r) { *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
        b->ranges = r;
        b->rangeCapacity = needed;
    }

    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(b->iterator, b->text, units, &st);
    if (U_FAILURE(st)) { *status = st; return NULL; }

    const UChar *text = b->text;
    const int32_t *byteOf = b->byteOf;
    int32_t *out = b->ranges;
    int32_t n = 0;
    int trim = (flags & CICU_SEGMENT_TRIM_SPACE) != 0;
    int32_t start = ubrk_first(b->iterator);
    for (int32_t end = ubrk_next(b->iterator); end != UBRK_DONE; end = ubrk_next(b->iterator)) {
        int32_t a = start, e = end;
        start = end;
        if (trim) {
            while (a < e && is_separator(text[a])) a++;
            while (e > a && is_separator(text[e - 1])) e--;
            if (a == e) continue;
        }
        out[2 * n] = ascii ? a : byteOf[a];
        out[2 * n + 1] = ascii ? e : byteOf[e];
        n++;
    }
    *count = n;
    *status = U_ZERO_ERROR;
    return out;
}

int64_t cicu_breaker_count_boundaries(cicu_breaker *b, const uint16_t *text, int32_t length,
                                      int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(b->iterator, (const UChar *)text, length, &st);
    if (U_FAILURE(st)) { *status = st; return -1; }
    int64_t n = 0;
    ubrk_first(b->iterator);
    while (ubrk_next(b->iterator) != UBRK_DONE) n++;
    *status = U_ZERO_ERROR;
    return n;
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
    a.length = decode_utf8(utf8, length, a.data, NULL);  // no map: never negative

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
