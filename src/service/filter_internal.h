/*
 * filter_internal.h - what the files of the filter module share (not for
 * other modules): the field and operator tables, and the lexer that
 * filter.c's parser pulls tokens from. filter_lex.c: tokens and error
 * messages; filter.c: values and the parser; filter_print.c: the printer.
 */
#ifndef TODOD_SERVICE_FILTER_INTERNAL_H
#define TODOD_SERVICE_FILTER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/filter.h"

/* Offending text quoted in a message is cut to this many bytes. */
#define QUOTE_MAX 40
#define TOK_TEXT_MAX (QUOTE_MAX + 8)

#define OP_BIT(op) (1u << (op))
#define OPS_ORDER (OP_BIT(FILTER_OP_EQ) | OP_BIT(FILTER_OP_NE) | OP_BIT(FILTER_OP_LT) | \
		   OP_BIT(FILTER_OP_LE) | OP_BIT(FILTER_OP_GT) | OP_BIT(FILTER_OP_GE))
#define OPS_EQ (OP_BIT(FILTER_OP_EQ) | OP_BIT(FILTER_OP_NE))
#define OPS_IN (OP_BIT(FILTER_OP_IN) | OP_BIT(FILTER_OP_NOT_IN))
#define OPS_NULL (OP_BIT(FILTER_OP_IS_NULL) | OP_BIT(FILTER_OP_IS_NOT_NULL))

enum value_type { V_STATUS, V_PRIORITY, V_TIME, V_TEXT, V_TAG, V_BOOL, V_ID };

struct filter__field_info {
	const char *name;
	enum value_type type;
	unsigned ops;              /* OP_BIT set of the operators it takes */
};

#define FILTER__NFIELDS ((size_t)FILTER_FIELD_ID + 1)
#define FILTER__NOPS ((size_t)FILTER_OP_IS_NOT_NULL + 1)

/* By enum filter_field / enum filter_op / priority number (1 = Low). */
extern const struct filter__field_info filter__fields[FILTER__NFIELDS];
extern const char *const filter__op_names[FILTER__NOPS];
extern const char *const filter__priority_names[4];

/* --- the lexer (filter_lex.c) --- */

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

/* filter__lex - scan the next token into p->tok (p->prev gets the old
 * one); TODO_EINVAL for a character that starts no token. */
int filter__lex(struct parser *p);

/* filter__tok_is_word - @t is the bare word @word (any case). */
bool filter__tok_is_word(const struct parser *p, const struct tok *t, const char *word);

/* filter__tok_value - the value of a T_WORD or T_STRING token, unescaped,
 * malloc'd. */
char *filter__tok_value(const struct parser *p, const struct tok *t);

/* filter__column_at - the 1-based column (in characters) of byte @off. */
size_t filter__column_at(const struct parser *p, size_t off);

/* filter__quote - @n bytes of @s for a message, quoted, into @buf: at most
 * QUOTE_MAX bytes (cut on a character boundary, "..." marks the cut),
 * control characters as '?'. */
void filter__quote(const char *s, size_t n, char *buf, size_t cap);

/* filter__tok_text - the token as a message shows it ("end of input", or
 * its text quoted) in @buf (TOK_TEXT_MAX bytes). */
const char *filter__tok_text(const struct parser *p, const struct tok *t, char *buf);

/* Errors, all TODO_EINVAL with field "filter", recording the column:
 * filter__fail_plain - @fmt is the whole message (it says "filter");
 * filter__fail - "invalid filter: " + @fmt;
 * filter__fail_syntax - "could not parse filter at column N: " + @fmt;
 * filter__fail_expected - "expected @what after <prev>, got <tok>". */
int filter__fail_plain(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int filter__fail(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int filter__fail_syntax(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int filter__fail_expected(struct parser *p, const char *what);

#endif
