/*
 * strbuf.h - the project's one growable string.
 *
 * Invariants: @s is NULL only before the first append; once anything was
 * appended (even "") @s is NUL-terminated and @len is strlen(@s). Growth
 * allocates through base/alloc.h, so appends never fail (out of memory
 * aborts, as everywhere in todod). There is no length limit: builders of
 * SQL, filter dumps and JSON-ish text grow as far as their input does, and
 * input limits are enforced where input is parsed, never here.
 *
 * Lifecycle: `struct strbuf b = STRBUF_INIT;` ... strbuf_release(&b), or
 * strbuf_detach() to take the string and leave @b empty.
 */
#ifndef TODOD_BASE_STRBUF_H
#define TODOD_BASE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

/* strbuf_add - append @n bytes of @data. */
void strbuf_add(struct strbuf *b, const void *data, size_t n);

/* strbuf_puts - append the NUL-terminated @str. */
void strbuf_puts(struct strbuf *b, const char *str);

/* strbuf_putc - append one byte. */
void strbuf_putc(struct strbuf *b, char c);

/* strbuf_printf - append printf-formatted text. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap);

/* strbuf_str - the text so far, never NULL ("" when empty); owned by @b. */
const char *strbuf_str(struct strbuf *b);

/* strbuf_detach - the malloc'd text (never NULL); the caller frees it and
 * @b is empty again. */
char *strbuf_detach(struct strbuf *b);

/* strbuf_release - free the text; @b is empty again. */
void strbuf_release(struct strbuf *b);

#endif
