#include "base/err.h"

#include <stdio.h>
#include <string.h>

int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
{
	if (!e)
		return code;
	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

const char *err_name(int code)
{
	switch (code) {
	case TODO_OK: return "ok";
	case TODO_EINVAL: return "invalid_argument";
	case TODO_EUNAUTH: return "unauthenticated";
	case TODO_EFORBIDDEN: return "permission_denied";
	case TODO_ENOTFOUND: return "not_found";
	case TODO_ECONFLICT: return "conflict";
	case TODO_EMETHOD: return "method_not_allowed";
	case TODO_ETOOBIG: return "body_too_large";
	case TODO_EUNAVAIL: return "unavailable";
	case TODO_ETIMEOUT: return "timeout";
	case TODO_EBUSY: return "resource_exhausted";
	default: return "internal";
	}
}
