#include "base/tzfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"

int tzfile_read(const char *name, unsigned char **buf, size_t *len, struct err *e)
{
	char path[sizeof(TZFILE_DIR) + 256 + 1];
	snprintf(path, sizeof(path), "%s/%s", TZFILE_DIR, name);
	*buf = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		struct stat st;
		if ((errno == ENOENT || errno == ENOTDIR) && stat(TZFILE_DIR, &st) == 0)
			return err_set(e, TODO_ENOTFOUND, "timezone", "no time zone file \"%s\"", path);
		return err_set(e, TODO_EINTERNAL, "timezone", "could not open time zone file \"%s\": %s",
			       path, strerror(errno));
	}
	int rc = 0;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TZFILE_MAX_BYTES) {
		rc = err_set(e, TODO_ENOTFOUND, "timezone", "\"%s\" is not a time zone file", path);
		goto out_close;
	}
	size_t n = (size_t)st.st_size, got = 0;
	unsigned char *b = xmalloc(n ? n : 1);
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(b);
			rc = err_set(e, TODO_EINTERNAL, "timezone", "could not read time zone file \"%s\"",
				     path);
			goto out_close;
		}
		got += (size_t)r;
	}
	*buf = b;
	*len = n;
out_close:
	close(fd);
	return rc;
}

bool tzfile_exists(const char *name)
{
	char path[sizeof(TZFILE_DIR) + 256 + 1];
	snprintf(path, sizeof(path), "%s/%s", TZFILE_DIR, name);
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
