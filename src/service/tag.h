/*
 * tag.h - the tag domain rules: what a tag name and a tag color may be, and
 * the inputs of the tags resource. Pure logic, no I/O.
 *
 * A name is 1..TAG_NAME_MAX Unicode code points after trimming ASCII white
 * space at both ends, in UTF-8, with no control characters (C0, DEL, C1)
 * anywhere. A color is "#RRGGBB" in hexadecimal, either case. Errors are
 * TODO_EINVAL naming the field ("name", "color", or the path parameter)
 * and quoting the offending value (escaped, cut at 40 code points).
 */
#ifndef TODOD_SERVICE_TAG_H
#define TODOD_SERVICE_TAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define TAG_NAME_MAX 50     /* code points */
#define TAG_COLOR_LEN 7     /* "#RRGGBB" */

/* A stored tag. */
struct tag {
	int64_t id;
	char *name;                      /* malloc'd */
	char color[TAG_COLOR_LEN + 1];   /* "" when none */
	char created_at[40];
};

/* tag_release - free the contents of @t; tags_free - of each and the array. */
void tag_release(struct tag *t);
void tags_free(struct tag *tags, size_t n);

/* A create (POST) or an update (PUT) of a tag as sent by a client. */
struct tag_input {
	bool has_name;
	char *name;                /* malloc'd; NULL only if the client sent null */
	bool has_color;
	char *color;               /* malloc'd; NULL with has_color = no color / clear it */
};

/* tag_input_release - free the contents (not the struct) and zero them. */
void tag_input_release(struct tag_input *in);

/* tag_input_validate - trim and check the name, check the color. A create
 * (@is_create) needs a name; an update needs at least one field. Returns 0
 * or TODO_EINVAL naming the field in @e. */
int tag_input_validate(struct tag_input *in, bool is_create, struct err *e);

/* tag_name_validate - trim @name in place (ASCII white space at both ends)
 * and check it. Returns 0 or TODO_EINVAL with field "name". */
int tag_name_validate(char *name, struct err *e);

/* tag_color_validate - check @color is "#RRGGBB". Returns 0 or TODO_EINVAL
 * with field "color". */
int tag_color_validate(const char *color, struct err *e);

#endif
