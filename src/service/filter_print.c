/* filter_print.c - filters and times as text: the canonical dump of a
 * parsed filter (its tests and logs) and the UTC text of a time value. */
#include "service/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/strbuf.h"
#include "service/filter_internal.h"

#define USEC_PER_SEC INT64_C(1000000)

/* --- time text ------------------------------------------------------- */


void filter_format_time(int64_t usec, char *buf)
{
	int64_t sec = usec / USEC_PER_SEC, frac = usec % USEC_PER_SEC;
	if (frac < 0) {
		frac += USEC_PER_SEC;
		sec--;
	}
	int64_t days = sec / 86400, rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	civil_date_from_days(days, &y, &m, &d);
	int n = snprintf(buf, FILTER_TIME_TEXT_MAX, "%04lld-%02d-%02dT%02d:%02d:%02d",
			 (long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (n < 0 || n >= FILTER_TIME_TEXT_MAX - 9)
		return;
	if (frac)
		snprintf(buf + n, FILTER_TIME_TEXT_MAX - (size_t)n, ".%06dZ", (int)frac);
	else
		snprintf(buf + n, FILTER_TIME_TEXT_MAX - (size_t)n, "Z");
}

/* --- dump ------------------------------------------------------------ */


static void dump_value(struct strbuf *b, enum filter_field field, const struct filter_value *v)
{
	char buf[FILTER_TIME_TEXT_MAX];
	switch (filter__fields[field].type) {
	case V_STATUS:
		strbuf_puts(b, v->num ? "completed" : "pending");
		break;
	case V_PRIORITY:
		strbuf_puts(b, filter__priority_names[v->num]);
		break;
	case V_BOOL:
		strbuf_puts(b, v->num ? "true" : "false");
		break;
	case V_ID:
		snprintf(buf, sizeof(buf), "%lld", (long long)v->num);
		strbuf_puts(b, buf);
		break;
	case V_TIME:
		filter_format_time(v->num, buf);
		if (v->is_date)
			buf[10] = '\0';
		strbuf_puts(b, buf);
		break;
	case V_TEXT:
	case V_TAG:
		strbuf_add(b, "\"", 1);
		for (const char *c = v->text; *c; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_add(b, "\\", 1);
			strbuf_add(b, c, 1);
		}
		strbuf_add(b, "\"", 1);
		break;
	}
}

static void dump_node(struct strbuf *b, const struct filter_node *n)
{
	static const char *const kinds[] = { "and", "or", "not" };
	static const char *const ops[] = {
		[FILTER_OP_NOT_IN] = "not-in",
		[FILTER_OP_IS_NULL] = "is-null",
		[FILTER_OP_IS_NOT_NULL] = "is-not-null",
	};
	strbuf_add(b, "(", 1);
	if (n->kind != FILTER_CMP) {
		strbuf_puts(b, kinds[n->kind]);
		for (size_t i = 0; i < n->nchildren; i++) {
			strbuf_add(b, " ", 1);
			dump_node(b, n->children[i]);
		}
	} else {
		strbuf_puts(b, ops[n->op] ? ops[n->op] : filter__op_names[n->op]);
		strbuf_add(b, " ", 1);
		strbuf_puts(b, filter__fields[n->field].name);
		for (size_t i = 0; i < n->nvalues; i++) {
			strbuf_add(b, " ", 1);
			dump_value(b, n->field, &n->values[i]);
		}
	}
	strbuf_add(b, ")", 1);
}

char *filter_dump(const struct filter *f)
{
	struct strbuf b = { 0 };
	strbuf_add(&b, "", 0);
	if (f && f->root)
		dump_node(&b, f->root);
	return b.s;
}

