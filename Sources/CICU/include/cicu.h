// Plain-C shim over ICU (libicuuc). The ICU headers are included only by cicu.c: importing them
// into Swift fails (UErrorCode is defined twice next to Foundation's bundled ICU, and ICU's function
// names are version-suffixed macros such as ubrk_open_72). This header exposes only plain C types.
//
// Performance contract: segmentation works on a whole UTF-8 buffer per call (one line, or a block of
// many lines); the shim converts it to UTF-16 once, iterates ICU boundaries in C and hands back all
// segment ranges as UTF-8 byte offsets, so Swift crosses the C boundary once per buffer, not per token.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Major version of the ICU library linked at run time (72 on Debian 12).
int32_t cicu_version_major(void);

// MARK: - Segmentation (ubrk_*)

/// Kinds of break iterator.
enum {
    CICU_BREAK_CHARACTER = 0, ///< grapheme clusters
    CICU_BREAK_WORD = 1,      ///< words, punctuation, whitespace runs
    CICU_BREAK_SENTENCE = 2,  ///< sentences
};

/// Flags for cicu_breaker_segment.
enum {
    /// Trim whitespace (Unicode White_Space plus U+200B, U+2060, U+FEFF) from both ends of every
    /// segment and drop segments that become empty.
    CICU_SEGMENT_TRIM_SPACE = 1,
    /// With a word breaker and TRIM_SPACE, lines of pure ASCII normally skip ICU and go through a
    /// table-driven copy of ICU's word rules for ASCII (about 10x faster, same result: checked
    /// against ICU when the breaker is opened). This flag forces ICU for everything.
    CICU_SEGMENT_NO_ASCII_FAST_PATH = 2,
};

/// An ICU break iterator plus reusable conversion buffers. Not thread-safe; one per thread.
typedef struct cicu_breaker cicu_breaker;

/// Opens a break iterator of `kind` for `locale` (e.g. "en", "th", "de@ss=standard").
/// Returns NULL and sets *status to a non-zero ICU error code on failure.
cicu_breaker *cicu_breaker_open(int32_t kind, const char *locale, int32_t *status);

/// Frees the iterator and its buffers. NULL is allowed.
void cicu_breaker_close(cicu_breaker *breaker);

/// Segments `length` bytes of UTF-8 text in one call. Returns a pointer to 2 * (*count) int32
/// values: start and end byte offsets (relative to `utf8`) of each segment, in text order. The
/// pointer belongs to the breaker and stays valid until the next call on it. Invalid UTF-8 bytes
/// are read as U+FFFD (validate first with cicu_utf8_find_invalid to report them).
/// Returns NULL and sets *status on failure (ICU error, out of memory, text over 2^30 bytes).
const int32_t *cicu_breaker_segment(cicu_breaker *breaker, const uint8_t *utf8, int32_t length,
                                    int32_t flags, int32_t *count, int32_t *status);

/// 1 when the breaker's ASCII fast path is on (word breakers whose ICU rules agreed with it on
/// the probe text at open time), else 0.
int32_t cicu_breaker_has_ascii_fast_path(const cicu_breaker *breaker);

/// Benchmark baseline: sets the UTF-16 `text` on the iterator and counts its boundaries, doing
/// nothing else. Returns the count, or -1 and sets *status on failure.
int64_t cicu_breaker_count_boundaries(cicu_breaker *breaker, const uint16_t *text, int32_t length,
                                      int32_t *status);

// MARK: - UTF-8 helpers

/// Returns the byte offset of the first ill-formed UTF-8 sequence in `utf8` (overlong forms,
/// surrogates, code points above U+10FFFF and truncated sequences are ill-formed), or -1.
int64_t cicu_utf8_find_invalid(const uint8_t *utf8, int64_t length);

/// Converts UTF-8 to UTF-16 (invalid bytes become U+FFFD). Writes at most `capacity` units and
/// returns the number of units the whole conversion needs (at most `length`).
int32_t cicu_utf8_to_utf16(const uint8_t *utf8, int32_t length, uint16_t *out, int32_t capacity);

// MARK: - Normalization and case mapping (unorm2_*, u_strToLower, u_strFoldCase)

enum {
    CICU_NORM_NONE = 0,
    CICU_NORM_NFC = 1,
    CICU_NORM_NFKC = 2,
};

enum {
    CICU_CASE_NONE = 0,
    CICU_CASE_LOWER = 1, ///< u_strToLower with the given locale (tr/az: I -> ı, İ -> i)
    CICU_CASE_FOLD = 2,  ///< u_strFoldCase, full default folding (ß -> ss)
};

/// Transforms UTF-8 text: normalize (`norm`), then map case (`caseop`, with `locale` for
/// lowercasing), then normalize again so the result is in the requested form. Writes at most
/// `capacity` bytes to `out` and returns the length of the whole result; when that exceeds
/// `capacity` nothing useful was written and the caller retries with a larger buffer.
/// Returns -1 and sets *status on failure.
int32_t cicu_transform(int32_t norm, int32_t caseop, const char *locale, const uint8_t *utf8,
                       int32_t length, uint8_t *out, int32_t capacity, int32_t *status);

#ifdef __cplusplus
}
#endif
