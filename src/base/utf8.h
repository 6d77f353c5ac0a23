/*
 * utf8.h - UTF-8 checks used by input validation.
 */
#ifndef TODOD_BASE_UTF8_H
#define TODOD_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* utf8_valid - true if @s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool utf8_valid(const char *s, size_t len);

/* utf8_count - number of code points in valid UTF-8 @s[0..len). */
size_t utf8_count(const char *s, size_t len);

/* utf8_trim_space - remove ASCII white space at both ends of @s, in place. */
void utf8_trim_space(char *s);

#define UTF8_QUOTE_MAX_CHARS 40   /* code points of a value quoted in a message */
#define UTF8_QUOTE_BUF 320        /* 40 code points escaped (at most 6 bytes each) + "..." */

/* utf8_quote - @s for a message, into @buf: at most UTF8_QUOTE_MAX_CHARS
 * code points, '"' and '\' escaped, control characters and stray bytes
 * spelled \xNN or \uNNNN (so the message stays printable, valid UTF-8),
 * "..." when cut. Returns @buf. */
const char *utf8_quote(char buf[UTF8_QUOTE_BUF], const char *s);

/* utf8_control_at - the code point of a control character starting at @s
 * (C0, DEL, or C1, which UTF-8 spells C2 80..C2 9F), or -1. */
long utf8_control_at(const unsigned char *s);

#endif
