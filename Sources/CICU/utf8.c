// UTF-8 validation and UTF-8 -> UTF-16 conversion for the shim.
#include "cicu.h"
#include "internal.h"

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


int64_t cicu_utf8_find_invalid(const uint8_t *s, int64_t length) {
    int64_t i = 0;
    while (i < length) {
        while (i + 8 <= length && cicu_is_ascii8(s + i)) i += 8;
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
int32_t cicu_decode_utf8(const uint8_t *s, int32_t length, uint16_t *out, int32_t *map) {
    int32_t i = 0, j = 0;
    int mapping = 0;  // map filled up to j
    while (i < length) {
        while (i + 8 <= length && cicu_is_ascii8(s + i)) {
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
            out[j] = (uint16_t)(0xD7C0 + (cp >> 10));
            out[j + 1] = (uint16_t)(0xDC00 | (cp & 0x3FF));
            if (map) { map[j] = i; map[j + 1] = i; }
            j += 2;
        } else {
            out[j] = (uint16_t)cp;
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
    return cicu_decode_utf8(utf8, length, out, NULL);  // never negative without a map
}
