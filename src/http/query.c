#include "http/query.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/utf8.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode @s[0..len) into a new string; NULL on a bad escape. */
static char *decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= len) {
				free(out);
				return NULL;
			}
			int hi = hexval(s[i + 1]);
			int lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0) {
				free(out);
				return NULL;
			}
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	/* An embedded NUL would silently truncate the value: refuse it. */
	if (strlen(out) != o || !utf8_valid(out, o)) {
		free(out);
		return NULL;
	}
	return out;
}

int query_parse(const char *qs, struct query *q, struct err *e)
{
	memset(q, 0, sizeof(*q));
	if (!qs)
		return 0;
	const char *p = qs;
	while (*p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		if (len > 0) {
			const char *eq = memchr(p, '=', len);
			size_t klen = eq ? (size_t)(eq - p) : len;
			char *key = decode(p, klen);
			if (!key || !*key) {
				free(key);
				return err_set(e, TODO_EINVAL, "query",
					       "could not parse query string: malformed or empty parameter name");
			}
			char *val = eq ? decode(eq + 1, len - klen - 1) : xstrdup("");
			if (!val) {
				err_set(e, TODO_EINVAL, key,
					"could not parse query parameter \"%s\": malformed percent-encoding or not UTF-8", key);
				free(key);
				return TODO_EINVAL;
			}
			q->items = xrealloc(q->items, (q->n + 1) * sizeof(*q->items));
			q->items[q->n].key = key;
			q->items[q->n].value = val;
			q->n++;
		}
		p += len + (amp ? 1 : 0);
	}
	return 0;
}

const char *query_get(const struct query *q, const char *key)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->items[i].key, key) == 0)
			return q->items[i].value;
	return NULL;
}

int query_check_known(const struct query *q, const char *const *known, struct err *e)
{
	for (size_t i = 0; i < q->n; i++) {
		const char *k = q->items[i].key;
		bool ok = false;
		for (const char *const *kn = known; *kn; kn++)
			if (strcmp(*kn, k) == 0)
				ok = true;
		if (!ok)
			return err_set(e, TODO_EINVAL, k, "unknown query parameter \"%.64s\"", k);
		for (size_t j = 0; j < i; j++)
			if (strcmp(q->items[j].key, k) == 0)
				return err_set(e, TODO_EINVAL, k, "query parameter \"%.64s\" given more than once", k);
	}
	return 0;
}

void query_release(struct query *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->items[i].key);
		free(q->items[i].value);
	}
	free(q->items);
	memset(q, 0, sizeof(*q));
}
