/* codec.c - helpers shared by the codecs of src/json (codec_internal.h). */
#include "json/codec_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

char *codec__dump_new(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		abort();   /* out of memory: see base/alloc.h */
	return s;
}

int codec__string_copy(json_t *v, const char *field, bool nullable, char **out, struct err *e)
{
	if (json_is_null(v)) {
		if (!nullable)
			return err_set(e, TODO_EINVAL, field, "%s must be a string, not null", field);
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return err_set(e, TODO_EINVAL, field, "%s must be a string", field);
	/* "\u0000" decodes to an embedded NUL, which C strings would cut. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(e, TODO_EINVAL, field, "%s must not contain NUL characters", field);
	*out = xstrndup(json_string_value(v), json_string_length(v));
	return 0;
}

int codec__load_object(const uint8_t *body, size_t len, json_t **root, struct err *e)
{
	*root = NULL;
	size_t ws = 0;   /* body is not NUL-terminated: count leading white space by hand */
	while (ws < len && (body[ws] == ' ' || body[ws] == '\t' || body[ws] == '\r' || body[ws] == '\n'))
		ws++;
	if (ws == len)
		return err_set(e, TODO_EINVAL, "body", "request body is empty: expected a JSON object");
	json_error_t jerr;
	json_t *j = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!j)
		return err_set(e, TODO_EINVAL, "body", "could not parse JSON body: %s at line %d column %d",
			       jerr.text, jerr.line, jerr.column);
	if (!json_is_object(j)) {
		json_decref(j);
		return err_set(e, TODO_EINVAL, "body", "request body must be a JSON object");
	}
	*root = j;
	return 0;
}
