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

#endif
