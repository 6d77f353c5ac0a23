/* filter_lex.c - the tokens of the filter language and the error messages
 * that point at them (see filter_internal.h). */
#include "service/filter_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/utf8.h"

/* --- lexer ----------------------------------------------------------- */


size_t filter__column_at(const struct parser *p, size_t off)
{
	return utf8_count(p->s, off) + 1;
}

/* Quote @n bytes of @s for a message: at most QUOTE_MAX bytes (cut on a
 * character boundary, "..." marks the cut), control characters as '?'. */
void filter__quote(const char *s, size_t n, char *buf, size_t cap)
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


/* The token as a message shows it: "end of input", or its text quoted
 * (a quoted value shows as written, escapes included). */
const char *filter__tok_text(const struct parser *p, const struct tok *t, char *buf)
{
	if (t->kind == T_END)
		return "end of input";
	if (t->kind == T_STRING && t->len >= 2 && p->s[t->start + t->len - 1] == '"')
		filter__quote(p->s + t->start + 1, t->len - 2, buf, TOK_TEXT_MAX);
	else
		filter__quote(p->s + t->start, t->len, buf, TOK_TEXT_MAX);
	return buf;
}


/* Record an error at byte @off; the message is complete in @fmt (it says
 * "filter" itself). */
int filter__fail_plain(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->err_column = filter__column_at(p, off);
	return err_set(p->e, TODO_EINVAL, "filter", "%s", msg);
}

/* Record an error about one part of the filter at byte @off:
 * "invalid filter: " + @fmt. */
int filter__fail(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return filter__fail_plain(p, off, "invalid filter: %s", msg);
}


/* "could not parse filter at column N: " + @fmt. */
int filter__fail_syntax(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return filter__fail_plain(p, off, "could not parse filter at column %zu: %s", filter__column_at(p, off), msg);
}

/* "expected @what after <prev>, got <tok>" at the lookahead. */
int filter__fail_expected(struct parser *p, const char *what)
{
	char a[TOK_TEXT_MAX], b[TOK_TEXT_MAX];
	return filter__fail_syntax(p, p->tok.start, "expected %s after %s, got %s", what,
			   filter__tok_text(p, &p->prev, a), filter__tok_text(p, &p->tok, b));
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
		return filter__fail_syntax(p, off, "unexpected character U+%04X%s", c, hint);
	return filter__fail_syntax(p, off, "unexpected character \"%c\"%s", c, hint);
}

/* Scan the next token into p->tok. */
int filter__lex(struct parser *p)
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
				return filter__fail_syntax(p, start, "unterminated quoted value");
			char d = s[i];
			if (d == '"')
				break;
			if (d == '\0')
				return fail_char(p, i, "");
			if (d == '\\') {
				if (i + 1 >= p->len)
					return filter__fail_syntax(p, start, "unterminated quoted value");
				char x = s[i + 1];
				if (x != '"' && x != '\\') {
					if (is_control((unsigned char)x))
						return filter__fail_syntax(p, i, "invalid escape \"\\\" + U+%04X in "
								   "quoted value: only \\\" and \\\\ "
								   "are allowed", (unsigned char)x);
					size_t w = 1;
					while (i + 1 + w < p->len &&
					       ((unsigned char)s[i + 1 + w] & 0xC0) == 0x80)
						w++;
					return filter__fail_syntax(p, i, "invalid escape \"\\%.*s\" in quoted value: "
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

bool filter__tok_is_word(const struct parser *p, const struct tok *t, const char *word)
{
	size_t n = strlen(word);
	return t->kind == T_WORD && t->len == n && strncasecmp(p->s + t->start, word, n) == 0;
}

/* The value of a T_WORD or T_STRING token, unescaped, malloc'd. */
char *filter__tok_value(const struct parser *p, const struct tok *t)
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

