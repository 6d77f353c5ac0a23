#include "base/num.h"

bool num_parse_positive(const char *s, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return false;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		int d = *p - '0';
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v < 1)
		return false;
	*out = v;
	return true;
}
