// Declarations shared by the shim's C files; not part of the public header.
#pragma once
#include <stdint.h>
#include <string.h>

/// 1 when the 8 bytes at s are all ASCII.
static inline int cicu_is_ascii8(const uint8_t *s) {
    uint64_t w;
    memcpy(&w, s, 8);
    return (w & 0x8080808080808080ULL) == 0;
}

/// UTF-8 -> UTF-16 (invalid bytes become U+FFFD); see utf8.c. `out` must hold `length` units.
/// With a `map`, returns -(units) - 1 when the map was filled (non-ASCII text), else units.
int32_t cicu_decode_utf8(const uint8_t *s, int32_t length, uint16_t *out, int32_t *map);

/// Whitespace-free word segments of the pure-ASCII text [from, to) following ICU's word rules;
/// see ascii_words.c. Writes start/end pairs to out and returns their number.
int32_t cicu_ascii_word_segments(const uint8_t *s, int32_t from, int32_t to, int32_t *out);
