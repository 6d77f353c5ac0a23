/*
 * Unit tests for src/http/status.c: the one table from project error codes
 * to gRPC and HTTP statuses, and back from daprd's gRPC codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/err.h"
#include "http/status.h"
#include "rpc/rpc.h"

static const struct {
	int err;
	int rpc;
	int http;
} documented[] = {
	{ TODO_OK, RPC_OK, 200 },
	{ TODO_EINVAL, RPC_INVALID_ARGUMENT, 400 },
	{ TODO_EUNAUTH, RPC_UNAUTHENTICATED, 401 },
	{ TODO_EFORBIDDEN, RPC_PERMISSION_DENIED, 403 },
	{ TODO_ENOTFOUND, RPC_NOT_FOUND, 404 },
	{ TODO_ECONFLICT, RPC_ALREADY_EXISTS, 409 },
	{ TODO_EMETHOD, RPC_FAILED_PRECONDITION, 400 },
	{ TODO_ETOOBIG, RPC_OUT_OF_RANGE, 400 },
	{ TODO_EUNAVAIL, RPC_UNAVAILABLE, 503 },
	{ TODO_ETIMEOUT, RPC_DEADLINE_EXCEEDED, 504 },
	{ TODO_EINTERNAL, RPC_INTERNAL, 500 },
};

static void test_every_code_mapped(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(documented) / sizeof(documented[0]); i++) {
		int err = documented[i].err;
		if (status_rpc_code(err) != documented[i].rpc)
			fail_msg("%s: rpc code %d, want %d", err_name(err),
				 status_rpc_code(err), documented[i].rpc);
		if (status_http_code(err) != documented[i].http)
			fail_msg("%s: http status %d, want %d", err_name(err),
				 status_http_code(err), documented[i].http);
	}
}

/* Spelled out once more so a reader sees the contract without the table. */
static void test_individual_codes(void **state)
{
	(void)state;
	assert_int_equal(status_http_code(TODO_EINVAL), 400);
	assert_int_equal(status_rpc_code(TODO_EINVAL), RPC_INVALID_ARGUMENT);
	assert_int_equal(status_http_code(TODO_EUNAUTH), 401);
	assert_int_equal(status_http_code(TODO_EFORBIDDEN), 403);
	assert_int_equal(status_http_code(TODO_ENOTFOUND), 404);
	assert_int_equal(status_http_code(TODO_ECONFLICT), 409);
	/* gRPC has no 405 or 413, and daprd maps FAILED_PRECONDITION and
	 * OUT_OF_RANGE to 400. */
	assert_int_equal(status_rpc_code(TODO_EMETHOD), RPC_FAILED_PRECONDITION);
	assert_int_equal(status_http_code(TODO_EMETHOD), 400);
	assert_int_equal(status_http_code(TODO_ETOOBIG), 400);
	assert_int_equal(status_http_code(TODO_EUNAVAIL), 503);
	assert_int_equal(status_http_code(TODO_ETIMEOUT), 504);
	assert_int_equal(status_http_code(TODO_EINTERNAL), 500);
}

static void test_unknown_code_is_internal(void **state)
{
	(void)state;
	assert_int_equal(status_rpc_code(-99), RPC_INTERNAL);
	assert_int_equal(status_http_code(-99), 500);
	assert_int_equal(status_rpc_code(1), RPC_INTERNAL);
	assert_int_equal(status_http_code(1), 500);
}

static void test_from_rpc(void **state)
{
	(void)state;
	assert_int_equal(status_from_rpc(RPC_OK), TODO_OK);
	assert_int_equal(status_from_rpc(RPC_UNAVAILABLE), TODO_EUNAVAIL);
	assert_int_equal(status_from_rpc(RPC_DEADLINE_EXCEEDED), TODO_ETIMEOUT);
	assert_int_equal(status_from_rpc(RPC_NOT_FOUND), TODO_ENOTFOUND);
	assert_int_equal(status_from_rpc(RPC_ALREADY_EXISTS), TODO_ECONFLICT);
	assert_int_equal(status_from_rpc(RPC_ABORTED), TODO_ECONFLICT);
	assert_int_equal(status_from_rpc(RPC_INVALID_ARGUMENT), TODO_EINVAL);
	/* Anything else from daprd is unexpected. */
	assert_int_equal(status_from_rpc(RPC_CANCELLED), TODO_EINTERNAL);
	assert_int_equal(status_from_rpc(RPC_UNKNOWN), TODO_EINTERNAL);
	assert_int_equal(status_from_rpc(RPC_UNIMPLEMENTED), TODO_EINTERNAL);
	assert_int_equal(status_from_rpc(RPC_INTERNAL), TODO_EINTERNAL);
	assert_int_equal(status_from_rpc(RPC_UNAUTHENTICATED), TODO_EINTERNAL);
	assert_int_equal(status_from_rpc(99), TODO_EINTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_mapped),
		cmocka_unit_test(test_individual_codes),
		cmocka_unit_test(test_unknown_code_is_internal),
		cmocka_unit_test(test_from_rpc),
	};
	return cmocka_run_group_tests_name("http/status", tests, NULL, NULL);
}
