#include "service/filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/civil.h"
#include "base/strbuf.h"
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
/* Offending text quoted in a message is cut to this many bytes. */
#define QUOTE_MAX 40

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

/* --- names ----------------------------------------------------------- */

#define OP_BIT(op) (1u << (op))
#define OPS_ORDER (OP_BIT(FILTER_OP_EQ) | OP_BIT(FILTER_OP_NE) | OP_BIT(FILTER_OP_LT) | \
		   OP_BIT(FILTER_OP_LE) | OP_BIT(FILTER_OP_GT) | OP_BIT(FILTER_OP_GE))
#define OPS_EQ (OP_BIT(FILTER_OP_EQ) | OP_BIT(FILTER_OP_NE))
#define OPS_IN (OP_BIT(FILTER_OP_IN) | OP_BIT(FILTER_OP_NOT_IN))
#define OPS_NULL (OP_BIT(FILTER_OP_IS_NULL) | OP_BIT(FILTER_OP_IS_NOT_NULL))

enum value_type { V_STATUS, V_PRIORITY, V_TIME, V_TEXT, V_TAG, V_BOOL, V_ID };

static const struct field_info {
	const char *name;
	enum value_type type;
	unsigned ops;              /* OP_BIT set of the operators it takes */
} fields[] = {
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
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const op_names[] = {
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
#define NOPS (sizeof(op_names) / sizeof(op_names[0]))

static const char *const priority_names[] = { NULL, "Low", "Medium", "High" };

const char *filter_field_name(enum filter_field field)
{
	return (size_t)field < NFIELDS ? fields[field].name : "?";
}

const char *filter_op_name(enum filter_op op)
{
	return (size_t)op < NOPS ? op_names[op] : "?";
}

/* --- lexer ----------------------------------------------------------- */

enum tok_kind {
	T_END, T_WORD, T_STRING, T_AND, T_OR, T_NOT, T_LPAREN, T_RPAREN, T_COMMA,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_TILDE,
};

struct tok {
	enum tok_kind kind;
	size_t start, len;         /* raw text, quotes included */
};

struct parser {
	const char *s;
	size_t len, pos;
	struct tok tok;            /* the lookahead */
	struct tok prev;           /* the token before it */
	int64_t now;
	int depth;
	size_t ncmp;
	struct err *e;
	size_t err_column;
};

static size_t column_at(const struct parser *p, size_t off)
{
	return utf8_count(p->s, off) + 1;
}

/* Quote @n bytes of @s for a message: at most QUOTE_MAX bytes (cut on a
 * character boundary, "..." marks the cut), control characters as '?'. */
static void quote(const char *s, size_t n, char *buf, size_t cap)
{
	bool cut = n > QUOTE_MAX;
	if (cut) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	size_t o = 0;
	buf[o++] = '"';
	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[o++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
	}
	if (cut && o + 5 < cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

#define TOK_TEXT_MAX (QUOTE_MAX + 8)

/* The token as a message shows it: "end of input", or its text quoted
 * (a quoted value shows as written, escapes included). */
static const char *tok_text(const struct parser *p, const struct tok *t, char *buf)
{
	if (t->kind == T_END)
		return "end of input";
	if (t->kind == T_STRING && t->len >= 2 && p->s[t->start + t->len - 1] == '"')
		quote(p->s + t->start + 1, t->len - 2, buf, TOK_TEXT_MAX);
	else
		quote(p->s + t->start, t->len, buf, TOK_TEXT_MAX);
	return buf;
}

static int fail(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_plain(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record an error at byte @off; the message is complete in @fmt (it says
 * "filter" itself). */
static int fail_plain(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->err_column = column_at(p, off);
	return err_set(p->e, TODO_EINVAL, "filter", "%s", msg);
}

/* Record an error about one part of the filter at byte @off:
 * "invalid filter: " + @fmt. */
static int fail(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail_plain(p, off, "invalid filter: %s", msg);
}

static int fail_syntax(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "could not parse filter at column N: " + @fmt. */
static int fail_syntax(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail_plain(p, off, "could not parse filter at column %zu: %s", column_at(p, off), msg);
}

/* "expected @what after <prev>, got <tok>" at the lookahead. */
static int fail_expected(struct parser *p, const char *what)
{
	char a[TOK_TEXT_MAX], b[TOK_TEXT_MAX];
	return fail_syntax(p, p->tok.start, "expected %s after %s, got %s", what,
			   tok_text(p, &p->prev, a), tok_text(p, &p->tok, b));
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7F;
}

/* Part of a bare word: anything but white space, control characters and
 * the characters that are tokens of their own or quotes. */
static bool is_word_byte(unsigned char c)
{
	return !is_space(c) && !is_control(c) && !strchr("=!<>~(),&|\"'", c);
}

static int fail_char(struct parser *p, size_t off, const char *hint)
{
	unsigned char c = (unsigned char)p->s[off];
	if (is_control(c))
		return fail_syntax(p, off, "unexpected character U+%04X%s", c, hint);
	return fail_syntax(p, off, "unexpected character \"%c\"%s", c, hint);
}

/* Scan the next token into p->tok. */
static int lex(struct parser *p)
{
	const char *s = p->s;
	while (p->pos < p->len && is_space((unsigned char)s[p->pos]))
		p->pos++;
	p->prev = p->tok;
	size_t start = p->pos;
	struct tok t = { T_END, start, 0 };
	if (start == p->len) {
		p->tok = t;
		return 0;
	}
	char c = s[start], next = start + 1 < p->len ? s[start + 1] : '\0';
	size_t n = 1;
	switch (c) {
	case '(': t.kind = T_LPAREN; break;
	case ')': t.kind = T_RPAREN; break;
	case ',': t.kind = T_COMMA; break;
	case '~': t.kind = T_TILDE; break;
	case '=': t.kind = T_EQ; break;
	case '!':
		t.kind = next == '=' ? T_NE : T_NOT;
		n = next == '=' ? 2 : 1;
		break;
	case '<':
		t.kind = next == '=' ? T_LE : T_LT;
		n = next == '=' ? 2 : 1;
		break;
	case '>':
		t.kind = next == '=' ? T_GE : T_GT;
		n = next == '=' ? 2 : 1;
		break;
	case '&':
		if (next != '&')
			return fail_char(p, start, " (did you mean \"&&\"?)");
		t.kind = T_AND;
		n = 2;
		break;
	case '|':
		if (next != '|')
			return fail_char(p, start, " (did you mean \"||\"?)");
		t.kind = T_OR;
		n = 2;
		break;
	case '\'':
		return fail_char(p, start, " (quote values with double quotes)");
	case '"': {
		size_t i = start + 1;
		for (;;) {
			if (i >= p->len)
				return fail_syntax(p, start, "unterminated quoted value");
			char d = s[i];
			if (d == '"')
				break;
			if (d == '\0')
				return fail_char(p, i, "");
			if (d == '\\') {
				if (i + 1 >= p->len)
					return fail_syntax(p, start, "unterminated quoted value");
				char x = s[i + 1];
				if (x != '"' && x != '\\') {
					if (is_control((unsigned char)x))
						return fail_syntax(p, i, "invalid escape \"\\\" + U+%04X in "
								   "quoted value: only \\\" and \\\\ "
								   "are allowed", (unsigned char)x);
					size_t w = 1;
					while (i + 1 + w < p->len &&
					       ((unsigned char)s[i + 1 + w] & 0xC0) == 0x80)
						w++;
					return fail_syntax(p, i, "invalid escape \"\\%.*s\" in quoted value: "
							   "only \\\" and \\\\ are allowed", (int)w, s + i + 1);
				}
				i += 2;
				continue;
			}
			i++;
		}
		t.kind = T_STRING;
		n = i + 1 - start;
		break;
	}
	default:
		if (!is_word_byte((unsigned char)c))
			return fail_char(p, start, "");
		while (start + n < p->len && is_word_byte((unsigned char)s[start + n]))
			n++;
		t.kind = T_WORD;
		break;
	}
	t.len = n;
	p->pos = start + n;
	p->tok = t;
	return 0;
}

static bool tok_is_word(const struct parser *p, const struct tok *t, const char *word)
{
	size_t n = strlen(word);
	return t->kind == T_WORD && t->len == n && strncasecmp(p->s + t->start, word, n) == 0;
}

/* The value of a T_WORD or T_STRING token, unescaped, malloc'd. */
static char *tok_value(const struct parser *p, const struct tok *t)
{
	if (t->kind == T_WORD)
		return xstrndup(p->s + t->start, t->len);
	char *v = xmalloc(t->len);
	size_t o = 0;
	for (size_t i = t->start + 1; i < t->start + t->len - 1; i++) {
		if (p->s[i] == '\\')
			i++;
		v[o++] = p->s[i];
	}
	v[o] = '\0';
	return v;
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
			quote(u, ulen, q, sizeof(q));
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
	const struct field_info *fi = &fields[field];
	char q[TOK_TEXT_MAX];
	char *v = tok_value(p, t);
	size_t n = strlen(v);
	size_t col = column_at(p, t->start);
	int rc = 0;
	memset(out, 0, sizeof(*out));
	switch (fi->type) {
	case V_STATUS:
		if (strcasecmp(v, "pending") == 0)
			out->num = 0;
		else if (strcasecmp(v, "completed") == 0)
			out->num = 1;
		else
			rc = fail(p, t->start, "status %s at column %zu is not one of pending, completed",
				  tok_text(p, t, q), col);
		break;
	case V_PRIORITY:
		if (strcasecmp(v, "high") == 0)
			out->num = FILTER_PRIORITY_HIGH;
		else if (strcasecmp(v, "medium") == 0)
			out->num = FILTER_PRIORITY_MEDIUM;
		else if (strcasecmp(v, "low") == 0)
			out->num = FILTER_PRIORITY_LOW;
		else
			rc = fail(p, t->start, "priority %s at column %zu is not one of High, Medium, Low",
				  tok_text(p, t, q), col);
		break;
	case V_BOOL:
		if (strcasecmp(v, "true") == 0)
			out->num = 1;
		else if (strcasecmp(v, "false") == 0)
			out->num = 0;
		else
			rc = fail(p, t->start, "%s %s at column %zu is not one of true, false",
				  fi->name, tok_text(p, t, q), col);
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
			rc = fail(p, t->start, "id %s at column %zu is not a positive integer",
				  tok_text(p, t, q), col);
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
			rc = fail(p, t->start, "%s %s at column %zu is not a valid timestamp: %s",
				  fi->name, tok_text(p, t, q), col, bad);
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
		return fail_expected(p, "\"(\"");
	int rc = lex(p);
	for (;;) {
		if (rc)
			return rc;
		if (p->tok.kind != T_WORD && p->tok.kind != T_STRING)
			return fail_expected(p, "a value");
		n->values = xrealloc(n->values, (n->nvalues + 1) * sizeof(*n->values));
		rc = convert_value(p, n->field, &p->tok, &n->values[n->nvalues]);
		if (rc)
			return rc;
		n->nvalues++;
		if ((rc = lex(p)))
			return rc;
		if (p->tok.kind == T_RPAREN)
			return lex(p);
		if (p->tok.kind != T_COMMA)
			return fail_expected(p, "\",\" or \")\"");
		rc = lex(p);
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
		return lex(p);
	}
	int rc;
	if (tok_is_word(p, &p->tok, "in")) {
		*op = FILTER_OP_IN;
		return lex(p);
	}
	if (tok_is_word(p, &p->tok, "not")) {
		if ((rc = lex(p)))
			return rc;
		if (!tok_is_word(p, &p->tok, "in"))
			return fail_expected(p, "\"in\"");
		*op = FILTER_OP_NOT_IN;
		return lex(p);
	}
	if (tok_is_word(p, &p->tok, "is")) {
		if ((rc = lex(p)))
			return rc;
		if (tok_is_word(p, &p->tok, "null")) {
			*op = FILTER_OP_IS_NULL;
			return lex(p);
		}
		if (!tok_is_word(p, &p->tok, "not"))
			return fail_expected(p, "\"null\" or \"not null\"");
		if ((rc = lex(p)))
			return rc;
		if (!tok_is_word(p, &p->tok, "null"))
			return fail_expected(p, "\"null\"");
		*op = FILTER_OP_IS_NOT_NULL;
		return lex(p);
	}
	return fail_expected(p, "an operator");
}

/* "=, !=, in or not in": the operators of @fi, for a message. */
static void ops_list(const struct field_info *fi, char *buf, size_t cap)
{
	size_t o = 0, left = 0;
	for (size_t op = 0; op < NOPS; op++)
		left += (fi->ops & OP_BIT(op)) != 0;
	buf[0] = '\0';
	for (size_t op = 0; op < NOPS; op++) {
		if (!(fi->ops & OP_BIT(op)))
			continue;
		left--;
		int w = snprintf(buf + o, cap - o, "%s%s", op_names[op],
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
		fail_syntax(p, ft.start, "expected a field name, got %s", tok_text(p, &ft, q));
		return NULL;
	}
	size_t f;
	for (f = 0; f < NFIELDS; f++)
		if (tok_is_word(p, &ft, fields[f].name))
			break;
	if (f == NFIELDS) {
		fail(p, ft.start, "unknown field %s at column %zu", tok_text(p, &ft, q),
		     column_at(p, ft.start));
		return NULL;
	}
	if (++p->ncmp > FILTER_COMPARISONS_MAX) {
		fail_plain(p, ft.start, "filter has too many comparisons at column %zu: at most %d allowed",
		     column_at(p, ft.start), FILTER_COMPARISONS_MAX);
		return NULL;
	}
	if (lex(p))
		return NULL;
	struct tok ot = p->tok;
	enum filter_op op = FILTER_OP_EQ;
	if (parse_op(p, &op))
		return NULL;
	const struct field_info *fi = &fields[f];
	if (!(fi->ops & OP_BIT(op))) {
		char ops[128];
		ops_list(fi, ops, sizeof(ops));
		fail(p, ot.start, "operator \"%s\" at column %zu does not apply to %s: use %s",
		     op_names[op], column_at(p, ot.start), fi->name, ops);
		return NULL;
	}
	struct filter_node *n = node_new(FILTER_CMP, column_at(p, ft.start));
	n->field = (enum filter_field)f;
	n->op = op;
	if (op == FILTER_OP_IN || op == FILTER_OP_NOT_IN) {
		if (parse_list(p, n))
			goto out_free;
	} else if (op != FILTER_OP_IS_NULL && op != FILTER_OP_IS_NOT_NULL) {
		if (p->tok.kind != T_WORD && p->tok.kind != T_STRING) {
			fail_expected(p, "a value");
			goto out_free;
		}
		n->values = xcalloc(1, sizeof(*n->values));
		if (convert_value(p, n->field, &p->tok, &n->values[0]))
			goto out_free;
		n->nvalues = 1;
		if (lex(p))
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
		fail_plain(p, t.start, "filter is nested too deeply at column %zu: at most %d levels of "
		     "\"(\" and \"!\" allowed", column_at(p, t.start), FILTER_DEPTH_MAX);
		return NULL;
	}
	if (lex(p))
		return NULL;
	struct filter_node *inner = t.kind == T_NOT ? parse_unary(p) : parse_or(p);
	if (!inner)
		return NULL;
	if (t.kind == T_NOT) {
		struct filter_node *n = node_new(FILTER_NOT, column_at(p, t.start));
		node_add_child(n, inner);
		inner = n;
	} else if (p->tok.kind != T_RPAREN) {
		char q[TOK_TEXT_MAX];
		fail_syntax(p, p->tok.start, "expected \")\" to close \"(\" at column %zu, got %s",
			    column_at(p, t.start), tok_text(p, &p->tok, q));
		node_free(inner);
		return NULL;
	} else if (lex(p)) {
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
		if (lex(p))
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
		p.err_column = column_at(&p, FILTER_TEXT_MAX);
		rc = err_set(e, TODO_EINVAL, "filter", "filter is too long: %zu bytes, at most %d allowed",
			     p.len, FILTER_TEXT_MAX);
		goto out_err;
	}
	size_t bad = utf8_bad_offset(p.s, p.len);
	if (bad < p.len) {
		rc = fail_syntax(&p, bad, "not valid UTF-8");
		goto out_err;
	}
	if ((rc = lex(&p)))
		goto out_err;
	struct filter_node *root = parse_or(&p);
	if (!root) {
		rc = TODO_EINVAL;
		goto out_err;
	}
	if (p.tok.kind != T_END) {
		char q[TOK_TEXT_MAX];
		const char *hint = tok_is_word(&p, &p.tok, "and") ? " (write \"and\" as \"&&\")"
			: tok_is_word(&p, &p.tok, "or") ? " (write \"or\" as \"||\")" : "";
		rc = fail_syntax(&p, p.tok.start, "expected \"&&\", \"||\" or end of input, got %s%s",
				 tok_text(&p, &p.tok, q), hint);
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

/* --- dump ------------------------------------------------------------ */


static void dump_value(struct strbuf *b, enum filter_field field, const struct filter_value *v)
{
	char buf[FILTER_TIME_TEXT_MAX];
	switch (fields[field].type) {
	case V_STATUS:
		strbuf_puts(b, v->num ? "completed" : "pending");
		break;
	case V_PRIORITY:
		strbuf_puts(b, priority_names[v->num]);
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
		strbuf_puts(b, ops[n->op] ? ops[n->op] : op_names[n->op]);
		strbuf_add(b, " ", 1);
		strbuf_puts(b, fields[n->field].name);
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
