#include "service/tag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

#define QUOTE_MAX_CHARS 40   /* code points of a value quoted in a message */
#define QUOTE_BUF 320        /* 40 code points escaped (at most 6 bytes each) + "..." */

void tag_input_release(struct tag_input *in)
{
	free(in->name);
	free(in->color);
	memset(in, 0, sizeof(*in));
}

/* The length in bytes of the UTF-8 sequence starting with @c, 1 for a byte
 * that cannot start one. */
static size_t seq_len(unsigned char c)
{
	return c >= 0xF5 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
}

/* The code point of a control character starting at @s (C0, DEL, or C1,
 * which UTF-8 spells C2 80..C2 9F), or -1. */
static long control_at(const unsigned char *s)
{
	if (s[0] < 0x20 || s[0] == 0x7F)
		return s[0];
	if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
		return s[1];
	return -1;
}

/* @s for a message: at most QUOTE_MAX_CHARS code points, '"' and '\'
 * escaped, control characters and stray bytes spelled \xNN or \uNNNN (so
 * the message stays printable, valid UTF-8), "..." when cut. */
static const char *quote(char buf[QUOTE_BUF], const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0, chars = 0;
	buf[0] = '\0';
	while (*s && chars < QUOTE_MAX_CHARS) {
		long cc = control_at(s);
		size_t n = seq_len(*s);
		if (cc >= 0x80) {
			o += (size_t)snprintf(buf + o, QUOTE_BUF - o, "\\u%04lX", (unsigned long)cc);
			n = 2;
		} else if (cc >= 0) {
			o += (size_t)snprintf(buf + o, QUOTE_BUF - o, "\\x%02lX", (unsigned long)cc);
		} else if (*s == '"' || *s == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)*s;
		} else if (n == 1 && *s >= 0x80) {
			o += (size_t)snprintf(buf + o, QUOTE_BUF - o, "\\x%02X", *s);
		} else if (strnlen((const char *)s, n) < n || !utf8_valid((const char *)s, n)) {
			o += (size_t)snprintf(buf + o, QUOTE_BUF - o, "\\x%02X", *s);
			n = 1;
		} else {
			memcpy(buf + o, s, n);
			o += n;
		}
		s += n;
		chars++;
	}
	if (*s)
		o += (size_t)snprintf(buf + o, QUOTE_BUF - o, "...");
	buf[o] = '\0';
	return buf;
}

int tag_name_validate(char *name, struct err *e)
{
	char q[QUOTE_BUF];
	if (!name)
		return err_set(e, TODO_EINVAL, "name", "name must not be null");
	utf8_trim_space(name);
	size_t len = strlen(name);
	if (!utf8_valid(name, len))
		return err_set(e, TODO_EINVAL, "name", "name \"%s\" is not valid UTF-8", quote(q, name));
	if (len == 0)
		return err_set(e, TODO_EINVAL, "name", "name must not be empty after trimming");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		long cc = control_at(p);
		if (cc >= 0)
			return err_set(e, TODO_EINVAL, "name",
				       "name \"%s\" contains a control character (U+%04lX)",
				       quote(q, name), (unsigned long)cc);
	}
	size_t n = utf8_count(name, len);
	if (n > TAG_NAME_MAX)
		return err_set(e, TODO_EINVAL, "name",
			       "name \"%s\" is too long: %zu characters, at most %d allowed",
			       quote(q, name), n, TAG_NAME_MAX);
	return 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int tag_color_validate(const char *color, struct err *e)
{
	char q[QUOTE_BUF];
	if (!color)
		return err_set(e, TODO_EINVAL, "color", "color must not be null");
	bool ok = strlen(color) == TAG_COLOR_LEN && color[0] == '#';
	for (size_t i = 1; ok && i < TAG_COLOR_LEN; i++)
		ok = is_hex(color[i]);
	if (!ok)
		return err_set(e, TODO_EINVAL, "color",
			       "color \"%s\" is not a hex color of the form \"#RRGGBB\"", quote(q, color));
	return 0;
}

int tag_input_validate(struct tag_input *in, bool is_create, struct err *e)
{
	if (is_create && !in->has_name)
		return err_set(e, TODO_EINVAL, "name", "name is required");
	if (!is_create && !in->has_name && !in->has_color)
		return err_set(e, TODO_EINVAL, NULL, "nothing to update: give \"name\" or \"color\"");
	if (in->has_name) {
		int rc = tag_name_validate(in->name, e);
		if (rc)
			return rc;
	}
	/* A null color is "no color" (create) or "clear it" (update). */
	if (in->has_color && in->color)
		return tag_color_validate(in->color, e);
	return 0;
}

int tag_path_id_parse(const char *field, const char *s, int64_t *id, struct err *e)
{
	char q[QUOTE_BUF];
	char *end = NULL;
	if (!s || !(*s >= '0' && *s <= '9'))
		goto bad;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		goto bad;
	*id = v;
	return 0;
bad:
	return err_set(e, TODO_EINVAL, field, "%s \"%s\" is not a positive integer", field,
		       quote(q, s ? s : ""));
}

void tag_release(struct tag *t)
{
	free(t->name);
	t->name = NULL;
}

void tags_free(struct tag *tags, size_t n)
{
	if (!tags)
		return;
	for (size_t i = 0; i < n; i++)
		tag_release(&tags[i]);
	free(tags);
}
