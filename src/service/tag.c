#include "service/tag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"


void tag_input_release(struct tag_input *in)
{
	free(in->name);
	free(in->color);
	memset(in, 0, sizeof(*in));
}

int tag_name_validate(char *name, struct err *e)
{
	char q[UTF8_QUOTE_BUF];
	if (!name)
		return err_set(e, TODO_EINVAL, "name", "name must not be null");
	utf8_trim_space(name);
	size_t len = strlen(name);
	if (!utf8_valid(name, len))
		return err_set(e, TODO_EINVAL, "name", "name \"%s\" is not valid UTF-8", utf8_quote(q, name));
	if (len == 0)
		return err_set(e, TODO_EINVAL, "name", "name must not be empty after trimming");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		long cc = utf8_control_at(p);
		if (cc >= 0)
			return err_set(e, TODO_EINVAL, "name",
				       "name \"%s\" contains a control character (U+%04lX)",
				       utf8_quote(q, name), (unsigned long)cc);
	}
	size_t n = utf8_count(name, len);
	if (n > TAG_NAME_MAX)
		return err_set(e, TODO_EINVAL, "name",
			       "name \"%s\" is too long: %zu characters, at most %d allowed",
			       utf8_quote(q, name), n, TAG_NAME_MAX);
	return 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int tag_color_validate(const char *color, struct err *e)
{
	char q[UTF8_QUOTE_BUF];
	if (!color)
		return err_set(e, TODO_EINVAL, "color", "color must not be null");
	bool ok = strlen(color) == TAG_COLOR_LEN && color[0] == '#';
	for (size_t i = 1; ok && i < TAG_COLOR_LEN; i++)
		ok = is_hex(color[i]);
	if (!ok)
		return err_set(e, TODO_EINVAL, "color",
			       "color \"%s\" is not a hex color of the form \"#RRGGBB\"", utf8_quote(q, color));
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
