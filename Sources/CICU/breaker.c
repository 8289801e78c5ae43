// Break iteration (ubrk_*) over whole UTF-8 buffers; see include/cicu.h.
#include "cicu.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>

// MARK: - Break iteration

struct cicu_breaker {
    UBreakIterator *iterator;
    UChar *text;        // UTF-16 copy of the current buffer
    int32_t *byteOf;    // UTF-16 index -> UTF-8 byte offset, capacity + 1 entries
    int32_t capacity;   // units available in text
    int32_t *ranges;    // 2 per segment
    int64_t rangeCapacity;
    int asciiFastPath;  // word breaker whose ICU rules match ascii_word_segments (see probe)
    int word;           // a word breaker: trimming also splits segments at inner whitespace
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
    b->word = kind == CICU_BREAK_WORD;
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

/// Whitespace that splits a segment from the inside: Unicode White_Space only. (U+2060 and U+FEFF
/// are Word_Break=Format, so inside a word they are kept as ICU left them.)
static inline int is_inner_space(UChar c) {
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
    return u_isUWhiteSpace(c);
}

/// Segments [0, length) of `utf8` with ICU, writing ranges offset by `base` to out; returns the
/// number of segments or -1 with *status set.
static int32_t icu_segments(cicu_breaker *b, const uint8_t *utf8, int32_t length, int32_t base,
                            int trim, int32_t *out, int32_t *status) {
    if (!reserve_text(b, length)) { *status = U_MEMORY_ALLOCATION_ERROR; return -1; }
    int32_t units = cicu_decode_utf8(utf8, length, b->text, b->byteOf);
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
        if (trim && !b->word) {  // sentences keep their inner spaces: trim the ends only
            while (a < e && is_separator(text[a])) a++;
            while (e > a && is_separator(text[e - 1])) e--;
            if (a == e) continue;
        }
        if (!trim || !b->word) {
            out[2 * n] = base + (ascii ? a : byteOf[a]);
            out[2 * n + 1] = base + (ascii ? e : byteOf[e]);
            n++;
            continue;
        }
        // Words: drop separators at both ends AND split at whitespace inside the segment: ICU keeps
        // U+202F (Word_Break=ExtendNumLet) inside words such as "10<U+202F>000", but no token
        // may contain whitespace. Every piece holds at least one unit, so n stays <= length.
        while (a < e) {
            while (a < e && is_separator(text[a])) a++;
            if (a == e) break;
            int32_t p = a;
            while (p < e && !is_inner_space(text[p])) p++;
            out[2 * n] = base + (ascii ? a : byteOf[a]);
            out[2 * n + 1] = base + (ascii ? p : byteOf[p]);
            n++;
            a = p;
        }
    }
    return n;
}

/// Offset of the first byte >= 0x80 in [from, length), or length.
static int32_t next_non_ascii(const uint8_t *s, int32_t from, int32_t length) {
    int32_t i = from;
    while (i + 8 <= length && cicu_is_ascii8(s + i)) i += 8;
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
        int32_t regionStart = pos;
        if (fast) {
            int32_t firstNonASCII = next_non_ascii(utf8, pos, length);
            regionStart = firstNonASCII == length ? length : line_start(utf8, firstNonASCII, pos);
        }
        if (regionStart > pos) {
            n += cicu_ascii_word_segments(utf8, pos, regionStart, b->ranges + 2 * n);
            pos = regionStart;
            continue;
        }
        // A line with non-ASCII bytes goes to ICU on its own (one ubrk_setText per such line
        // measured faster on mixed text than grouping lines into larger ICU regions).
        int32_t regionEnd = fast ? line_end(utf8, regionStart, length) : length;
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
        int32_t nf = cicu_ascii_word_segments((const uint8_t *)text, 0, length, fast);
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
