#include "base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

bool utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + n >= len)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

size_t utf8_count(const char *str, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)str[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void utf8_trim_space(char *s)
{
	size_t len = strlen(s), start = 0;
	while (start < len && is_space(s[start]))
		start++;
	while (len > start && is_space(s[len - 1]))
		len--;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
}

/* The length in bytes of the UTF-8 sequence starting with @c, 1 for a byte
 * that cannot start one. */
static size_t seq_len(unsigned char c)
{
	return c >= 0xF5 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
}

/* The code point of a control character starting at @s (C0, DEL, or C1,
 * which UTF-8 spells C2 80..C2 9F), or -1. */
long utf8_control_at(const unsigned char *s)
{
	if (s[0] < 0x20 || s[0] == 0x7F)
		return s[0];
	if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
		return s[1];
	return -1;
}

/* @s for a message: at most UTF8_QUOTE_MAX_CHARS code points, '"' and '\'
 * escaped, control characters and stray bytes spelled \xNN or \uNNNN (so
 * the message stays printable, valid UTF-8), "..." when cut. */
const char *utf8_quote(char buf[UTF8_QUOTE_BUF], const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0, chars = 0;
	buf[0] = '\0';
	while (*s && chars < UTF8_QUOTE_MAX_CHARS) {
		long cc = utf8_control_at(s);
		size_t n = seq_len(*s);
		if (cc >= 0x80) {
			o += (size_t)snprintf(buf + o, UTF8_QUOTE_BUF - o, "\\u%04lX", (unsigned long)cc);
			n = 2;
		} else if (cc >= 0) {
			o += (size_t)snprintf(buf + o, UTF8_QUOTE_BUF - o, "\\x%02lX", (unsigned long)cc);
		} else if (*s == '"' || *s == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)*s;
		} else if (n == 1 && *s >= 0x80) {
			o += (size_t)snprintf(buf + o, UTF8_QUOTE_BUF - o, "\\x%02X", *s);
		} else if (strnlen((const char *)s, n) < n || !utf8_valid((const char *)s, n)) {
			o += (size_t)snprintf(buf + o, UTF8_QUOTE_BUF - o, "\\x%02X", *s);
			n = 1;
		} else {
			memcpy(buf + o, s, n);
			o += n;
		}
		s += n;
		chars++;
	}
	if (*s)
		o += (size_t)snprintf(buf + o, UTF8_QUOTE_BUF - o, "...");
	buf[o] = '\0';
	return buf;
}
