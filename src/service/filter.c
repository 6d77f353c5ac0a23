#include "service/filter.h"
#include "service/filter_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/timeutil.h"
#include "base/utf8.h"

#define USEC_PER_SEC INT64_C(1000000)
/* Timestamps must lie in [0001-01-01T00:00:00Z, 10000-01-01T00:00:00Z):
 * what RFC 3339 can spell and PostgreSQL accepts. In seconds. */
#define TIME_MIN_SEC INT64_C(-62135596800)
#define TIME_END_SEC INT64_C(253402300800)
/* A relative amount (now+N<unit>) has at most this many digits, so that
 * N weeks in seconds cannot overflow. */
#define AMOUNT_DIGITS_MAX 9

/* --- names ----------------------------------------------------------- */

const struct filter__field_info filter__fields[] = {
	[FILTER_FIELD_STATUS] = { "status", V_STATUS, OPS_EQ | OPS_IN },
	[FILTER_FIELD_PRIORITY] = { "priority", V_PRIORITY, OPS_ORDER | OPS_IN },
	[FILTER_FIELD_DUE] = { "due", V_TIME, OPS_ORDER | OPS_NULL },
	[FILTER_FIELD_CREATED] = { "created", V_TIME, OPS_ORDER },
	[FILTER_FIELD_UPDATED] = { "updated", V_TIME, OPS_ORDER },
	[FILTER_FIELD_TITLE] = { "title", V_TEXT, OPS_EQ | OP_BIT(FILTER_OP_CONTAINS) },
	[FILTER_FIELD_DESCRIPTION] = { "description", V_TEXT,
				       OPS_EQ | OP_BIT(FILTER_OP_CONTAINS) | OPS_NULL },
	[FILTER_FIELD_TAGS] = { "tags", V_TAG, OPS_EQ | OPS_IN },
	[FILTER_FIELD_COMPLETED] = { "completed", V_BOOL, OPS_EQ },
	[FILTER_FIELD_ID] = { "id", V_ID, OPS_ORDER | OPS_IN },
};
#define NFIELDS FILTER__NFIELDS

const char *const filter__op_names[] = {
	[FILTER_OP_EQ] = "=",
	[FILTER_OP_NE] = "!=",
	[FILTER_OP_LT] = "<",
	[FILTER_OP_LE] = "<=",
	[FILTER_OP_GT] = ">",
	[FILTER_OP_GE] = ">=",
	[FILTER_OP_CONTAINS] = "~",
	[FILTER_OP_IN] = "in",
	[FILTER_OP_NOT_IN] = "not in",
	[FILTER_OP_IS_NULL] = "is null",
	[FILTER_OP_IS_NOT_NULL] = "is not null",
};
#define NOPS FILTER__NOPS

const char *const filter__priority_names[4] = { NULL, "Low", "Medium", "High" };

const char *filter_field_name(enum filter_field field)
{
	return (size_t)field < NFIELDS ? filter__fields[field].name : "?";
}

const char *filter_op_name(enum filter_op op)
{
	return (size_t)op < NOPS ? filter__op_names[op] : "?";
}

/* --- values ---------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

#define TIME_FORMS "use RFC 3339 (2026-03-01T09:00:00Z), a date (2026-03-01), now, " \
	"or now+N / now-N with unit m, h, d or w (now+7d)"

/* now, now+N<unit>, now-N<unit>: NULL, or why not with @why filled. */
static const char *parse_relative(const char *v, size_t n, int64_t now, int64_t *usec,
				  char *why, size_t whycap)
{
	int64_t sec = now;
	if (n > 3) {
		if (v[3] != '+' && v[3] != '-')
			return TIME_FORMS;
		size_t k = 4;
		while (k < n && v[k] >= '0' && v[k] <= '9')
			k++;
		if (k == 4)
			return TIME_FORMS;
		if (k - 4 > AMOUNT_DIGITS_MAX)
			return "amount too large";
		int64_t amount = 0;
		for (size_t i = 4; i < k; i++)
			amount = amount * 10 + (v[i] - '0');
		int64_t unit;
		const char *u = v + k;
		size_t ulen = n - k;
		if (ulen == 1 && (*u == 'm' || *u == 'M'))
			unit = 60;
		else if (ulen == 1 && (*u == 'h' || *u == 'H'))
			unit = 3600;
		else if (ulen == 1 && (*u == 'd' || *u == 'D'))
			unit = 86400;
		else if (ulen == 1 && (*u == 'w' || *u == 'W'))
			unit = 7 * 86400;
		else if (ulen == 0)
			return "missing unit: use m, h, d or w";
		else {
			char q[TOK_TEXT_MAX];
			filter__quote(u, ulen, q, sizeof(q));
			snprintf(why, whycap, "unknown unit %s: use m, h, d or w", q);
			return why;
		}
		/* |amount * unit| < 10^9 * 604800 and now is checked below, so
		 * nothing overflows. */
		if (now < TIME_MIN_SEC || now >= TIME_END_SEC)
			return "out of range";
		sec = v[3] == '+' ? now + amount * unit : now - amount * unit;
	}
	if (sec < TIME_MIN_SEC || sec >= TIME_END_SEC)
		return "out of range";
	*usec = sec * USEC_PER_SEC;
	return NULL;
}

/* RFC 3339 or YYYY-MM-DD (base/timeutil.h): NULL, or why not. */
static const char *parse_absolute(const char *v, size_t n, int64_t *usec, bool *is_date)
{
	enum time_parse_result r = time_parse(v, n, usec, is_date);
	if (r == TIME_OK)
		return NULL;
	const char *why = time_parse_reason(r);
	return why ? why : TIME_FORMS;
}

/* Check the value token @t against @field and fill @out. */
static int convert_value(struct parser *p, enum filter_field field, const struct tok *t,
			 struct filter_value *out)
{
	const struct filter__field_info *fi = &filter__fields[field];
	char q[TOK_TEXT_MAX];
	char *v = filter__tok_value(p, t);
	size_t n = strlen(v);
	size_t col = filter__column_at(p, t->start);
	int rc = 0;
	memset(out, 0, sizeof(*out));
	switch (fi->type) {
	case V_STATUS:
		if (strcasecmp(v, "pending") == 0)
			out->num = 0;
		else if (strcasecmp(v, "completed") == 0)
			out->num = 1;
		else
			rc = filter__fail(p, t->start, "status %s at column %zu is not one of pending, completed",
				  filter__tok_text(p, t, q), col);
		break;
	case V_PRIORITY:
		if (strcasecmp(v, "high") == 0)
			out->num = FILTER_PRIORITY_HIGH;
		else if (strcasecmp(v, "medium") == 0)
			out->num = FILTER_PRIORITY_MEDIUM;
		else if (strcasecmp(v, "low") == 0)
			out->num = FILTER_PRIORITY_LOW;
		else
			rc = filter__fail(p, t->start, "priority %s at column %zu is not one of High, Medium, Low",
				  filter__tok_text(p, t, q), col);
		break;
	case V_BOOL:
		if (strcasecmp(v, "true") == 0)
			out->num = 1;
		else if (strcasecmp(v, "false") == 0)
			out->num = 0;
		else
			rc = filter__fail(p, t->start, "%s %s at column %zu is not one of true, false",
				  fi->name, filter__tok_text(p, t, q), col);
		break;
	case V_ID: {
		int64_t id = 0;
		bool ok = all_digits(v, n) && n <= 19;
		for (size_t i = 0; ok && i < n; i++) {
			if (id > (INT64_MAX - (v[i] - '0')) / 10)
				ok = false;
			else
				id = id * 10 + (v[i] - '0');
		}
		if (!ok || id == 0)
			rc = filter__fail(p, t->start, "id %s at column %zu is not a positive integer",
				  filter__tok_text(p, t, q), col);
		out->num = id;
		break;
	}
	case V_TIME: {
		char why[96];
		const char *bad;
		if (n >= 3 && strncasecmp(v, "now", 3) == 0)
			bad = parse_relative(v, n, p->now, &out->num, why, sizeof(why));
		else
			bad = parse_absolute(v, n, &out->num, &out->is_date);
		if (bad)
			rc = filter__fail(p, t->start, "%s %s at column %zu is not a valid timestamp: %s",
				  fi->name, filter__tok_text(p, t, q), col, bad);
		break;
	}
	case V_TEXT:
	case V_TAG:
		out->text = v;
		return 0;
	}
	free(v);
	return rc;
}

/* --- parser ---------------------------------------------------------- */

static void node_free(struct filter_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nchildren; i++)
		node_free(n->children[i]);
	free(n->children);
	for (size_t i = 0; i < n->nvalues; i++)
		free(n->values[i].text);
	free(n->values);
	free(n);
}

static struct filter_node *node_new(enum filter_kind kind, size_t column)
{
	struct filter_node *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->column = column;
	return n;
}

static void node_add_child(struct filter_node *n, struct filter_node *child)
{
	n->children = xrealloc(n->children, (n->nchildren + 1) * sizeof(*n->children));
	n->children[n->nchildren++] = child;
}

static struct filter_node *parse_or(struct parser *p);

/* ( value (, value)* ) after "in" / "not in"; adds the values to @n. */
static int parse_list(struct parser *p, struct filter_node *n)
{
	if (p->tok.kind != T_LPAREN)
		return filter__fail_expected(p, "\"(\"");
	int rc = filter__lex(p);
	for (;;) {
		if (rc)
			return rc;
		if (p->tok.kind != T_WORD && p->tok.kind != T_STRING)
			return filter__fail_expected(p, "a value");
		n->values = xrealloc(n->values, (n->nvalues + 1) * sizeof(*n->values));
		rc = convert_value(p, n->field, &p->tok, &n->values[n->nvalues]);
		if (rc)
			return rc;
		n->nvalues++;
		if ((rc = filter__lex(p)))
			return rc;
		if (p->tok.kind == T_RPAREN)
			return filter__lex(p);
		if (p->tok.kind != T_COMMA)
			return filter__fail_expected(p, "\",\" or \")\"");
		rc = filter__lex(p);
	}
}

/* The operator of a comparison, consumed: 0 with *@op set, or an error. */
static int parse_op(struct parser *p, enum filter_op *op)
{
	static const enum filter_op by_tok[] = {
		[T_EQ] = FILTER_OP_EQ, [T_NE] = FILTER_OP_NE, [T_LT] = FILTER_OP_LT,
		[T_LE] = FILTER_OP_LE, [T_GT] = FILTER_OP_GT, [T_GE] = FILTER_OP_GE,
		[T_TILDE] = FILTER_OP_CONTAINS,
	};
	enum tok_kind k = p->tok.kind;
	if (k >= T_EQ && k <= T_TILDE) {
		*op = by_tok[k];
		return filter__lex(p);
	}
	int rc;
	if (filter__tok_is_word(p, &p->tok, "in")) {
		*op = FILTER_OP_IN;
		return filter__lex(p);
	}
	if (filter__tok_is_word(p, &p->tok, "not")) {
		if ((rc = filter__lex(p)))
			return rc;
		if (!filter__tok_is_word(p, &p->tok, "in"))
			return filter__fail_expected(p, "\"in\"");
		*op = FILTER_OP_NOT_IN;
		return filter__lex(p);
	}
	if (filter__tok_is_word(p, &p->tok, "is")) {
		if ((rc = filter__lex(p)))
			return rc;
		if (filter__tok_is_word(p, &p->tok, "null")) {
			*op = FILTER_OP_IS_NULL;
			return filter__lex(p);
		}
		if (!filter__tok_is_word(p, &p->tok, "not"))
			return filter__fail_expected(p, "\"null\" or \"not null\"");
		if ((rc = filter__lex(p)))
			return rc;
		if (!filter__tok_is_word(p, &p->tok, "null"))
			return filter__fail_expected(p, "\"null\"");
		*op = FILTER_OP_IS_NOT_NULL;
		return filter__lex(p);
	}
	return filter__fail_expected(p, "an operator");
}

/* "=, !=, in or not in": the operators of @fi, for a message. */
static void ops_list(const struct filter__field_info *fi, char *buf, size_t cap)
{
	size_t o = 0, left = 0;
	for (size_t op = 0; op < NOPS; op++)
		left += (fi->ops & OP_BIT(op)) != 0;
	buf[0] = '\0';
	for (size_t op = 0; op < NOPS; op++) {
		if (!(fi->ops & OP_BIT(op)))
			continue;
		left--;
		int w = snprintf(buf + o, cap - o, "%s%s", filter__op_names[op],
				 left > 1 ? ", " : left == 1 ? " or " : "");
		if (w < 0 || (size_t)w >= cap - o)
			return;
		o += (size_t)w;
	}
}

static struct filter_node *parse_comparison(struct parser *p)
{
	char q[TOK_TEXT_MAX];
	struct tok ft = p->tok;
	if (ft.kind != T_WORD) {
		filter__fail_syntax(p, ft.start, "expected a field name, got %s", filter__tok_text(p, &ft, q));
		return NULL;
	}
	size_t f;
	for (f = 0; f < NFIELDS; f++)
		if (filter__tok_is_word(p, &ft, filter__fields[f].name))
			break;
	if (f == NFIELDS) {
		filter__fail(p, ft.start, "unknown field %s at column %zu", filter__tok_text(p, &ft, q),
		     filter__column_at(p, ft.start));
		return NULL;
	}
	if (++p->ncmp > FILTER_COMPARISONS_MAX) {
		filter__fail_plain(p, ft.start, "filter has too many comparisons at column %zu: at most %d allowed",
		     filter__column_at(p, ft.start), FILTER_COMPARISONS_MAX);
		return NULL;
	}
	if (filter__lex(p))
		return NULL;
	struct tok ot = p->tok;
	enum filter_op op = FILTER_OP_EQ;
	if (parse_op(p, &op))
		return NULL;
	const struct filter__field_info *fi = &filter__fields[f];
	if (!(fi->ops & OP_BIT(op))) {
		char ops[128];
		ops_list(fi, ops, sizeof(ops));
		filter__fail(p, ot.start, "operator \"%s\" at column %zu does not apply to %s: use %s",
		     filter__op_names[op], filter__column_at(p, ot.start), fi->name, ops);
		return NULL;
	}
	struct filter_node *n = node_new(FILTER_CMP, filter__column_at(p, ft.start));
	n->field = (enum filter_field)f;
	n->op = op;
	if (op == FILTER_OP_IN || op == FILTER_OP_NOT_IN) {
		if (parse_list(p, n))
			goto out_free;
	} else if (op != FILTER_OP_IS_NULL && op != FILTER_OP_IS_NOT_NULL) {
		if (p->tok.kind != T_WORD && p->tok.kind != T_STRING) {
			filter__fail_expected(p, "a value");
			goto out_free;
		}
		n->values = xcalloc(1, sizeof(*n->values));
		if (convert_value(p, n->field, &p->tok, &n->values[0]))
			goto out_free;
		n->nvalues = 1;
		if (filter__lex(p))
			goto out_free;
	}
	return n;
out_free:
	node_free(n);
	return NULL;
}

static struct filter_node *parse_unary(struct parser *p)
{
	struct tok t = p->tok;
	if (t.kind != T_NOT && t.kind != T_LPAREN)
		return parse_comparison(p);
	if (++p->depth > FILTER_DEPTH_MAX) {
		filter__fail_plain(p, t.start, "filter is nested too deeply at column %zu: at most %d levels of "
		     "\"(\" and \"!\" allowed", filter__column_at(p, t.start), FILTER_DEPTH_MAX);
		return NULL;
	}
	if (filter__lex(p))
		return NULL;
	struct filter_node *inner = t.kind == T_NOT ? parse_unary(p) : parse_or(p);
	if (!inner)
		return NULL;
	if (t.kind == T_NOT) {
		struct filter_node *n = node_new(FILTER_NOT, filter__column_at(p, t.start));
		node_add_child(n, inner);
		inner = n;
	} else if (p->tok.kind != T_RPAREN) {
		char q[TOK_TEXT_MAX];
		filter__fail_syntax(p, p->tok.start, "expected \")\" to close \"(\" at column %zu, got %s",
			    filter__column_at(p, t.start), filter__tok_text(p, &p->tok, q));
		node_free(inner);
		return NULL;
	} else if (filter__lex(p)) {
		node_free(inner);
		return NULL;
	}
	p->depth--;
	return inner;
}

/* and := unary ('&&' unary)*, or := and ('||' and)*: one n-ary node for a
 * chain, or the single operand. */
static struct filter_node *parse_chain(struct parser *p, enum tok_kind sep, enum filter_kind kind)
{
	struct filter_node *first = sep == T_AND ? parse_unary(p) : parse_chain(p, T_AND, FILTER_AND);
	if (!first || p->tok.kind != sep)
		return first;
	struct filter_node *n = node_new(kind, first->column);
	node_add_child(n, first);
	while (p->tok.kind == sep) {
		if (filter__lex(p))
			goto out_free;
		struct filter_node *next = sep == T_AND ? parse_unary(p)
							: parse_chain(p, T_AND, FILTER_AND);
		if (!next)
			goto out_free;
		node_add_child(n, next);
	}
	return n;
out_free:
	node_free(n);
	return NULL;
}

static struct filter_node *parse_or(struct parser *p)
{
	return parse_chain(p, T_OR, FILTER_OR);
}

/* The byte offset of the first ill-formed UTF-8 sequence, or @len. */
static size_t utf8_bad_offset(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
			: c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		if (n == 0 || n > len - i || !utf8_valid(s + i, n))
			return i;
		i += n;
	}
	return len;
}

int filter_parse(const char *text, size_t len, int64_t now, struct filter **out,
		 size_t *err_column, struct err *e)
{
	struct parser p = { .s = text ? text : "", .len = text ? len : 0, .now = now, .e = e };
	*out = NULL;
	if (err_column)
		*err_column = 0;
	int rc;
	if (p.len > FILTER_TEXT_MAX) {
		p.err_column = filter__column_at(&p, FILTER_TEXT_MAX);
		rc = err_set(e, TODO_EINVAL, "filter", "filter is too long: %zu bytes, at most %d allowed",
			     p.len, FILTER_TEXT_MAX);
		goto out_err;
	}
	size_t bad = utf8_bad_offset(p.s, p.len);
	if (bad < p.len) {
		rc = filter__fail_syntax(&p, bad, "not valid UTF-8");
		goto out_err;
	}
	if ((rc = filter__lex(&p)))
		goto out_err;
	struct filter_node *root = parse_or(&p);
	if (!root) {
		rc = TODO_EINVAL;
		goto out_err;
	}
	if (p.tok.kind != T_END) {
		char q[TOK_TEXT_MAX];
		const char *hint = filter__tok_is_word(&p, &p.tok, "and") ? " (write \"and\" as \"&&\")"
			: filter__tok_is_word(&p, &p.tok, "or") ? " (write \"or\" as \"||\")" : "";
		rc = filter__fail_syntax(&p, p.tok.start, "expected \"&&\", \"||\" or end of input, got %s%s",
				 filter__tok_text(&p, &p.tok, q), hint);
		node_free(root);
		goto out_err;
	}
	struct filter *f = xmalloc(sizeof(*f));
	f->root = root;
	f->ncomparisons = p.ncmp;
	*out = f;
	return 0;
out_err:
	if (err_column)
		*err_column = p.err_column;
	return rc;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	node_free(f->root);
	free(f);
}

