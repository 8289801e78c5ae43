// Word breaking of pure-ASCII text without ICU (the fast path of cicu_breaker_segment).
#include "internal.h"

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
int32_t cicu_ascii_word_segments(const uint8_t *s, int32_t from, int32_t to, int32_t *out) {
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
