#include "base/trace.h"

#include <string.h>

static _Thread_local struct {
	bool set;
	char parent[TRACE_PARENT_LEN + 1];
	char id[TRACE_ID_LEN + 1];
	char state[TRACE_STATE_MAX + 1];
	bool has_state;
} T;

static bool lower_hex(const char *s, size_t n, bool nonzero)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		any |= c != '0';
	}
	return any || !nonzero;
}

bool trace_parent_valid(const char *s)
{
	if (!s || strlen(s) < TRACE_PARENT_LEN)
		return false;
	size_t len = strlen(s);
	/* version: two hex digits, "ff" is forbidden; version 00 has no more fields */
	if (!lower_hex(s, 2, false) || strncmp(s, "ff", 2) == 0)
		return false;
	if (strncmp(s, "00", 2) == 0 ? len != TRACE_PARENT_LEN
				      : len > TRACE_PARENT_LEN && s[TRACE_PARENT_LEN] != '-')
		return false;
	return s[2] == '-' && lower_hex(s + 3, 32, true) && s[35] == '-' &&
	       lower_hex(s + 36, 16, true) && s[52] == '-' && lower_hex(s + 53, 2, false);
}

static bool state_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e || n >= TRACE_STATE_MAX)
			return false;
	return n > 0;
}

void trace_set(const char *traceparent, const char *tracestate)
{
	if (!trace_parent_valid(traceparent)) {
		trace_clear();
		return;
	}
	memcpy(T.parent, traceparent, TRACE_PARENT_LEN);
	T.parent[TRACE_PARENT_LEN] = '\0';
	if (strncmp(T.parent, "00", 2) != 0)
		memcpy(T.parent, "00", 2);   /* we speak version 00 onwards */
	memcpy(T.id, traceparent + 3, TRACE_ID_LEN);
	T.id[TRACE_ID_LEN] = '\0';
	T.has_state = tracestate && state_ok(tracestate);
	if (T.has_state)
		strcpy(T.state, tracestate);
	T.set = true;
}

void trace_clear(void)
{
	T.set = false;
	T.has_state = false;
}

const char *trace_parent(void)
{
	return T.set ? T.parent : NULL;
}

const char *trace_state(void)
{
	return T.set && T.has_state ? T.state : NULL;
}

const char *trace_id(void)
{
	return T.set ? T.id : NULL;
}

bool trace_sampled(void)
{
	if (!T.set)
		return false;
	unsigned v = (unsigned)(T.parent[54] >= 'a' ? T.parent[54] - 'a' + 10 : T.parent[54] - '0');
	return v & 1;
}
