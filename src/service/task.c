#include "service/task.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

void task_release(struct task *t)
{
	free(t->title);
	free(t->description);
	t->title = NULL;
	t->description = NULL;
}

void task_input_release(struct task_input *in)
{
	free(in->title);
	free(in->description);
	memset(in, 0, sizeof(*in));
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim ASCII white space at both ends, in place. */
static void trim(char *s)
{
	size_t len = strlen(s), start = 0;
	while (start < len && is_space(s[start]))
		start++;
	while (len > start && is_space(s[len - 1]))
		len--;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
}

int task_input_validate(struct task_input *in, bool is_create, struct err *e)
{
	if (is_create && !in->has_title)
		return err_set(e, TODO_EINVAL, "title", "title is required");
	if (!is_create && !in->has_title && !in->has_description)
		return err_set(e, TODO_EINVAL, NULL,
			       "nothing to update: give \"title\" or \"description\"");
	if (in->has_title) {
		if (!in->title)
			return err_set(e, TODO_EINVAL, "title", "title must not be null");
		trim(in->title);
		size_t len = strlen(in->title);
		if (!utf8_valid(in->title, len))
			return err_set(e, TODO_EINVAL, "title", "title is not valid UTF-8");
		size_t n = utf8_count(in->title, len);
		if (n == 0)
			return err_set(e, TODO_EINVAL, "title", "title must not be empty after trimming");
		if (n > TASK_TITLE_MAX)
			return err_set(e, TODO_EINVAL, "title",
				       "title is too long: %zu characters, at most %d allowed",
				       n, TASK_TITLE_MAX);
	}
	if (in->has_description && in->description) {
		size_t len = strlen(in->description);
		if (!utf8_valid(in->description, len))
			return err_set(e, TODO_EINVAL, "description", "description is not valid UTF-8");
		size_t n = utf8_count(in->description, len);
		if (n > TASK_DESCRIPTION_MAX)
			return err_set(e, TODO_EINVAL, "description",
				       "description is too long: %zu characters, at most %d allowed",
				       n, TASK_DESCRIPTION_MAX);
	}
	return 0;
}

int user_id_validate(const char *user_id, struct err *e)
{
	size_t len = strlen(user_id);
	if (len == 0 || len > USER_ID_MAX)
		return err_set(e, TODO_EINVAL, "user_id",
			       "user_id must be 1 to %d characters", USER_ID_MAX);
	for (size_t i = 0; i < len; i++) {
		char c = user_id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-'))
			return err_set(e, TODO_EINVAL, "user_id",
				       "user_id may contain only letters, digits and . _ @ -");
	}
	return 0;
}

int task_id_parse(const char *s, int64_t *id, struct err *e)
{
	char *end = NULL;
	if (!s || !*s || *s == '-' || *s == '+' || is_space(*s))
		goto bad;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		goto bad;
	*id = v;
	return 0;
bad:
	return err_set(e, TODO_EINVAL, "id", "task id \"%.32s\" is not a positive integer",
		       s ? s : "");
}

int task_version_parse(const char *s, int64_t *out, struct err *e)
{
	*out = 0;
	if (!s)
		return 0;
	char *end = NULL;
	errno = 0;
	long long v = (*s >= '0' && *s <= '9') ? strtoll(s, &end, 10) : -1;
	if (v <= 0 || errno != 0 || !end || *end != '\0')
		return err_set(e, TODO_EINVAL, "if_version",
			       "if_version \"%.32s\" is not a positive integer", s);
	*out = v;
	return 0;
}

int task_status_parse(const char *s, enum task_status_filter *out, struct err *e)
{
	if (!s || strcmp(s, "all") == 0)
		*out = TASK_FILTER_ALL;
	else if (strcmp(s, "pending") == 0)
		*out = TASK_FILTER_PENDING;
	else if (strcmp(s, "completed") == 0)
		*out = TASK_FILTER_COMPLETED;
	else
		return err_set(e, TODO_EINVAL, "status",
			       "status \"%.32s\" is not one of all, pending, completed", s);
	return 0;
}
