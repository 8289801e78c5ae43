// Plain-C shim over ICU; see include/cicu.h for the contract of every function.
#include "cicu.h"

#include <stdio.h>
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

// MARK: - ASCII word breaking

/// Word-break classes of ASCII characters under ICU's word rules (UAX #29 as ICU 72 applies it:
/// `@` is a letter and `:` is not MidLetter). Checked against ICU for every word breaker at open
/// time (probe_ascii_fast_path); a mismatch switches the fast path off.
enum { W_OTHER, W_SPACE, W_LETTER, W_NUMERIC, W_EXTENDNUMLET, W_MIDNUM, W_MIDNUMLET };

static const uint8_t ascii_class[128] = {
    ['\t'] = W_SPACE, ['\n'] = W_SPACE, [0x0B] = W_SPACE, [0x0C] = W_SPACE, ['\r'] = W_SPACE,
    [' '] = W_SPACE,
    ['a' ... 'z'] = W_LETTER, ['A' ... 'Z'] = W_LETTER, ['@'] = W_LETTER,
    ['0' ... '9'] = W_NUMERIC,
    ['_'] = W_EXTENDNUMLET,
    [','] = W_MIDNUM, [';'] = W_MIDNUM,
    ['.'] = W_MIDNUMLET, ['\''] = W_MIDNUMLET,
};

/// Word segments of the pure-ASCII text [from, to) of s, whitespace dropped (the result ICU gives
/// with CICU_SEGMENT_TRIM_SPACE). Letters, digits and `_` chain (WB5, 8-10, 13a/b); `.` and `'`
/// join letters to letters (WB6/7) and digits to digits (WB11/12), as do `,` and `;` for digits;
/// every other character is a segment of its own (WB999).
static int32_t ascii_word_segments(const uint8_t *s, int32_t from, int32_t to, int32_t *out) {
    int32_t n = 0;
    int32_t i = from;
    while (i < to) {
        uint8_t c = ascii_class[s[i]];
        if (c == W_SPACE) { i++; continue; }
        int32_t start = i++;
        if (c == W_LETTER || c == W_NUMERIC || c == W_EXTENDNUMLET) {
            uint8_t last = c;
            while (i < to) {
                uint8_t k = ascii_class[s[i]];
                if (k == W_LETTER || k == W_NUMERIC || k == W_EXTENDNUMLET) { last = k; i++; continue; }
                if (i + 1 < to && (k == W_MIDNUMLET || k == W_MIDNUM)) {
                    uint8_t after = ascii_class[s[i + 1]];
                    if ((last == W_LETTER && after == W_LETTER && k == W_MIDNUMLET) ||
                        (last == W_NUMERIC && after == W_NUMERIC)) {
                        i += 2;
                        continue;
                    }
                }
                break;
            }
        }
        out[2 * n] = start;
        out[2 * n + 1] = i;
        n++;
    }
    return n;
}

// MARK: - Break iteration

struct cicu_breaker {
    UBreakIterator *iterator;
    UChar *text;        // UTF-16 copy of the current buffer
    int32_t *byteOf;    // UTF-16 index -> UTF-8 byte offset, capacity + 1 entries
    int32_t capacity;   // units available in text
    int32_t *ranges;    // 2 per segment
    int64_t rangeCapacity;
    int asciiFastPath;  // word breaker whose ICU rules match ascii_word_segments (see probe)
};

static int probe_ascii_fast_path(cicu_breaker *b);

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
    b->asciiFastPath = kind == CICU_BREAK_WORD && probe_ascii_fast_path(b);
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

/// Segments [0, length) of `utf8` with ICU, writing ranges offset by `base` to out; returns the
/// number of segments or -1 with *status set.
static int32_t icu_segments(cicu_breaker *b, const uint8_t *utf8, int32_t length, int32_t base,
                            int trim, int32_t *out, int32_t *status) {
    if (!reserve_text(b, length)) { *status = U_MEMORY_ALLOCATION_ERROR; return -1; }
    int32_t units = decode_utf8(utf8, length, b->text, b->byteOf);
    int ascii = units >= 0;  // then UTF-16 index == byte offset and byteOf is not filled
    if (!ascii) units = -units - 1;

    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(b->iterator, b->text, units, &st);
    if (U_FAILURE(st)) { *status = st; return -1; }

    const UChar *text = b->text;
    const int32_t *byteOf = b->byteOf;
    int32_t n = 0;
    int32_t start = ubrk_first(b->iterator);
    for (int32_t end = ubrk_next(b->iterator); end != UBRK_DONE; end = ubrk_next(b->iterator)) {
        int32_t a = start, e = end;
        start = end;
        if (trim) {
            while (a < e && is_separator(text[a])) a++;
            while (e > a && is_separator(text[e - 1])) e--;
            if (a == e) continue;
        }
        out[2 * n] = base + (ascii ? a : byteOf[a]);
        out[2 * n + 1] = base + (ascii ? e : byteOf[e]);
        n++;
    }
    return n;
}

/// Offset of the first byte >= 0x80 in [from, length), or length.
static int32_t next_non_ascii(const uint8_t *s, int32_t from, int32_t length) {
    int32_t i = from;
    while (i + 8 <= length && is_ascii8(s + i)) i += 8;
    while (i < length && s[i] < 0x80) i++;
    return i;
}

/// Start of the line holding offset p (the byte after the previous "\n", not before `floor`).
static int32_t line_start(const uint8_t *s, int32_t p, int32_t floor) {
    while (p > floor && s[p - 1] != '\n') p--;
    return p;
}

/// Offset just after the "\n" ending the line holding p, or length.
static int32_t line_end(const uint8_t *s, int32_t p, int32_t length) {
    const uint8_t *nl = memchr(s + p, '\n', (size_t)(length - p));
    return nl ? (int32_t)(nl - s) + 1 : length;
}

/// ASCII stretches shorter than this between non-ASCII lines go to ICU with them, so that mixed
/// text does not pay one ubrk_setText per line.
#define ASCII_STRETCH_MINIMUM 2048

const int32_t *cicu_breaker_segment(cicu_breaker *b, const uint8_t *utf8, int32_t length,
                                    int32_t flags, int32_t *count, int32_t *status) {
    *count = 0;
    if (length < 0 || length > (1 << 30)) { *status = U_ILLEGAL_ARGUMENT_ERROR; return NULL; }
    // Every segment holds at least one byte.
    int64_t needed = 2 * (int64_t)(length > 0 ? length : 1);
    if (needed > b->rangeCapacity) {
        int32_t *r = realloc(b->ranges, sizeof(int32_t) * (size_t)needed);
        if (!r) { *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
        b->ranges = r;
        b->rangeCapacity = needed;
    }
    int trim = (flags & CICU_SEGMENT_TRIM_SPACE) != 0;
    int fast = trim && b->asciiFastPath && !(flags & CICU_SEGMENT_NO_ASCII_FAST_PATH);
    int32_t n = 0;
    int32_t pos = 0;
    while (pos < length) {
        int32_t regionStart = fast ? line_start(utf8, next_non_ascii(utf8, pos, length), pos) : pos;
        if (regionStart > pos) {
            n += ascii_word_segments(utf8, pos, regionStart, b->ranges + 2 * n);
            pos = regionStart;
            continue;
        }
        // A region for ICU: the non-ASCII line, extended over following lines while the ASCII
        // stretches between non-ASCII lines are short.
        int32_t regionEnd = length;
        if (fast) {
            regionEnd = line_end(utf8, regionStart, length);
            for (;;) {
                int32_t next = next_non_ascii(utf8, regionEnd, length);
                if (next == length) break;
                int32_t nextLine = line_start(utf8, next, regionEnd);
                if (nextLine - regionEnd >= ASCII_STRETCH_MINIMUM) break;
                regionEnd = line_end(utf8, next, length);
            }
        }
        int32_t k = icu_segments(b, utf8 + regionStart, regionEnd - regionStart, regionStart, trim,
                                 b->ranges + 2 * n, status);
        if (k < 0) return NULL;
        n += k;
        pos = regionEnd;
    }
    *count = n;
    *status = U_ZERO_ERROR;
    return b->ranges;
}

/// Compares ascii_word_segments with ICU on a text that puts every ASCII character between
/// letters, digits, `_`, spaces and itself, so a locale whose rules differ (or a future ICU)
/// falls back to ICU for everything. Returns 1 when they agree.
static int probe_ascii_fast_path(cicu_breaker *b) {
    static const char *contexts[] = {"a%cb", "1%c2", "a%c1", "1%ca", "_%c_", "%ca", "a%c", "x%c%cy", "9%c%c8"};
    enum { CONTEXTS = sizeof contexts / sizeof contexts[0] };
    char text[128 * CONTEXTS * 8 + 64];
    int32_t length = 0;
    for (int c = 1; c < 128; c++) {
        for (int k = 0; k < CONTEXTS; k++) {
            for (const char *f = contexts[k]; *f; f++) text[length++] = *f == '%' ? (f++, (char)c) : *f;
            text[length++] = ' ';
        }
    }
    length += snprintf(text + length, 64, "e.g. 3.50, 1,000; don't a@b.c __x__ 1_a 'q' \"r\"");
    int32_t *fast = malloc(sizeof(int32_t) * 2 * (size_t)length);
    int32_t *icu = malloc(sizeof(int32_t) * 2 * (size_t)length);
    int same = 0;
    if (fast && icu) {
        int32_t status = 0;
        int32_t nf = ascii_word_segments((const uint8_t *)text, 0, length, fast);
        int32_t ni = icu_segments(b, (const uint8_t *)text, length, 0, 1, icu, &status);
        same = nf == ni && memcmp(fast, icu, sizeof(int32_t) * 2 * (size_t)nf) == 0;
    }
    free(fast);
    free(icu);
    return same;
}

int32_t cicu_breaker_has_ascii_fast_path(const cicu_breaker *b) { return b->asciiFastPath; }

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
