/*
 * Unit tests for src/auth/jwt.c: bearer-token verification and minting.
 * Tokens with unusual claims or algorithms are built here with libjwt, or
 * by hand where libjwt would refuse (alg "none").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jwt.h>

#include "auth/jwt.h"

#define assert_has_substring(s, sub) do { \
	if (!strstr((s), (sub))) \
		fail_msg("\"%s\" does not contain \"%s\"", (s), (sub)); \
} while (0)

#define NOW ((time_t)1700000000)

static const uint8_t key[] = "0123456789abcdef0123456789abcdef";      /* 32 bytes */
static const uint8_t other_key[] = "fedcba9876543210fedcba9876543210";
#define KEYLEN (sizeof(key) - 1)

/* base64url without padding (RFC 7515 §2); malloc'd. */
static char *b64url(const char *s)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *in = (const unsigned char *)s;
	size_t n = strlen(s);
	char *out = malloc(4 * (n / 3 + 1) + 1);
	assert_non_null(out);
	size_t o = 0, i = 0;
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = tbl[v >> 18 & 63];
		out[o++] = tbl[v >> 12 & 63];
		out[o++] = tbl[v >> 6 & 63];
		out[o++] = tbl[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = tbl[v >> 18 & 63];
		out[o++] = tbl[v >> 12 & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = tbl[v >> 18 & 63];
		out[o++] = tbl[v >> 12 & 63];
		out[o++] = tbl[v >> 6 & 63];
	}
	out[o] = '\0';
	return out;
}

/* A token carrying @claims (a JSON object) signed with @alg and @k. */
static char *sign_claims(const char *claims, jwt_alg_t alg, const uint8_t *k, size_t klen)
{
	jwt_t *jwt = NULL;
	assert_int_equal(jwt_new(&jwt), 0);
	assert_int_equal(jwt_add_grants_json(jwt, claims), 0);
	assert_int_equal(jwt_set_alg(jwt, alg, k, (int)klen), 0);
	char *token = jwt_encode_str(jwt);
	jwt_free(jwt);
	assert_non_null(token);
	return token;
}

/* Run auth_verify_bearer on "Bearer <token>" at NOW; returns its code and
 * leaves the subject and error in @sub / @e. */
static int verify_token(const char *token, const uint8_t *k, size_t klen,
			char *sub, size_t subsz, struct err *e)
{
	char header[2048];
	snprintf(header, sizeof(header), "Bearer %s", token);
	err_clear(e);
	memset(sub, 0, subsz);
	return auth_verify_bearer(header, k, klen, NOW, sub, subsz, e);
}

static void expect_unauth(int rc, const struct err *e, const char *msg_part)
{
	assert_int_equal(rc, TODO_EUNAUTH);
	assert_int_equal(e->code, TODO_EUNAUTH);
	assert_string_equal(e->field, "authorization");
	assert_has_substring(e->msg, msg_part);
}

static void test_mint_then_verify(void **state)
{
	(void)state;
	char *token = auth_mint_token("alice", key, KEYLEN, NOW, 3600);
	assert_non_null(token);
	char sub[64];
	struct err e;
	assert_int_equal(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), 0);
	assert_string_equal(sub, "alice");
	assert_int_equal(e.code, TODO_OK);

	/* Valid until the second before exp. */
	char header[1024];
	snprintf(header, sizeof(header), "Bearer %s", token);
	assert_int_equal(auth_verify_bearer(header, key, KEYLEN, NOW + 3599, sub, sizeof(sub), &e), 0);
	expect_unauth(auth_verify_bearer(header, key, KEYLEN, NOW + 3600, sub, sizeof(sub), &e),
		      &e, "bearer token expired");
	free(token);
}

static void test_minted_claims(void **state)
{
	(void)state;
	char *token = auth_mint_token("bob", key, KEYLEN, NOW, 60);
	assert_non_null(token);
	jwt_t *jwt = NULL;
	assert_int_equal(jwt_decode(&jwt, token, key, (int)KEYLEN), 0);
	assert_int_equal(jwt_get_alg(jwt), JWT_ALG_HS256);
	assert_string_equal(jwt_get_grant(jwt, "sub"), "bob");
	assert_int_equal(jwt_get_grant_int(jwt, "iat"), NOW);
	assert_int_equal(jwt_get_grant_int(jwt, "exp"), NOW + 60);
	jwt_free(jwt);
	free(token);
}

static void test_wrong_key(void **state)
{
	(void)state;
	char *token = auth_mint_token("alice", other_key, KEYLEN, NOW, 3600);
	assert_non_null(token);
	char sub[64];
	struct err e;
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "invalid bearer token: malformed or bad signature");
	assert_string_equal(sub, "");
	free(token);
}

static void test_tampered_payload(void **state)
{
	(void)state;
	char *token = auth_mint_token("alice", key, KEYLEN, NOW, 3600);
	assert_non_null(token);
	char *dot1 = strchr(token, '.');
	assert_non_null(dot1);
	char *dot2 = strchr(dot1 + 1, '.');
	assert_non_null(dot2);

	char claims[128];
	snprintf(claims, sizeof(claims), "{\"sub\":\"mallory\",\"iat\":%ld,\"exp\":%ld}",
		 (long)NOW, (long)NOW + 3600);
	char *payload = b64url(claims);
	char forged[1024];
	snprintf(forged, sizeof(forged), "%.*s.%s%s",
		 (int)(dot1 - token), token, payload, dot2);

	char sub[64];
	struct err e;
	expect_unauth(verify_token(forged, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "malformed or bad signature");
	assert_string_equal(sub, "");

	/* A flipped signature character fails the same way. */
	char *last = token + strlen(token) - 2;
	*last = *last == 'A' ? 'B' : 'A';
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "malformed or bad signature");
	free(payload);
	free(token);
}

static void test_expired(void **state)
{
	(void)state;
	char *token = auth_mint_token("alice", key, KEYLEN, NOW - 120, 60);
	assert_non_null(token);
	char sub[64];
	struct err e;
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "bearer token expired");
	free(token);

	/* exp == now is already expired. */
	token = auth_mint_token("alice", key, KEYLEN, NOW, 0);
	assert_non_null(token);
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "bearer token expired");
	free(token);
}

static void test_nbf_in_future(void **state)
{
	(void)state;
	char claims[128];
	snprintf(claims, sizeof(claims), "{\"sub\":\"alice\",\"exp\":%ld,\"nbf\":%ld}",
		 (long)NOW + 3600, (long)NOW + 10);
	char *token = sign_claims(claims, JWT_ALG_HS256, key, KEYLEN);
	char sub[64];
	struct err e;
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "bearer token not yet valid (nbf)");
	free(token);

	/* nbf == now is valid. */
	snprintf(claims, sizeof(claims), "{\"sub\":\"alice\",\"exp\":%ld,\"nbf\":%ld}",
		 (long)NOW + 3600, (long)NOW);
	token = sign_claims(claims, JWT_ALG_HS256, key, KEYLEN);
	assert_int_equal(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), 0);
	assert_string_equal(sub, "alice");
	free(token);

	/* A non-integer nbf is refused, not ignored. */
	static const char *const bad_nbf[] = { "\"later\"", "1e12", "1700000000.5", "null" };
	for (size_t i = 0; i < sizeof(bad_nbf) / sizeof(bad_nbf[0]); i++) {
		snprintf(claims, sizeof(claims), "{\"sub\":\"alice\",\"exp\":%ld,\"nbf\":%s}",
			 (long)NOW + 3600, bad_nbf[i]);
		token = sign_claims(claims, JWT_ALG_HS256, key, KEYLEN);
		int rc = verify_token(token, key, KEYLEN, sub, sizeof(sub), &e);
		if (rc != TODO_EUNAUTH || !strstr(e.msg, "invalid bearer token: non-integer \"nbf\" claim"))
			fail_msg("claims %s: got %d \"%s\"", claims, rc, e.msg);
		assert_string_equal(sub, "");
		free(token);
	}
}

static void test_missing_exp(void **state)
{
	(void)state;
	char *token = sign_claims("{\"sub\":\"alice\"}", JWT_ALG_HS256, key, KEYLEN);
	char sub[64];
	struct err e;
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "missing or non-integer \"exp\" claim");
	free(token);
}

static void test_non_integer_exp(void **state)
{
	(void)state;
	static const char *const claims[] = {
		"{\"sub\":\"alice\",\"exp\":\"1800000000\"}",
		"{\"sub\":\"alice\",\"exp\":1800000000.5}",
		"{\"sub\":\"alice\",\"exp\":true}",
		"{\"sub\":\"alice\",\"exp\":null}",
	};
	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		char *token = sign_claims(claims[i], JWT_ALG_HS256, key, KEYLEN);
		char sub[64];
		struct err e;
		int rc = verify_token(token, key, KEYLEN, sub, sizeof(sub), &e);
		if (rc != TODO_EUNAUTH || !strstr(e.msg, "missing or non-integer \"exp\" claim"))
			fail_msg("claims %s: got %d \"%s\"", claims[i], rc, e.msg);
		free(token);
	}
}

static void test_missing_sub(void **state)
{
	(void)state;
	char claims[128];
	static const char *const subs[] = { "", ",\"sub\":\"\"", ",\"sub\":42", ",\"sub\":null" };
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(claims, sizeof(claims), "{\"exp\":%ld%s}", (long)NOW + 3600, subs[i]);
		char *token = sign_claims(claims, JWT_ALG_HS256, key, KEYLEN);
		char sub[64];
		struct err e;
		int rc = verify_token(token, key, KEYLEN, sub, sizeof(sub), &e);
		if (rc != TODO_EUNAUTH ||
		    !strstr(e.msg, "missing, empty or oversize \"sub\" claim"))
			fail_msg("claims %s: got %d \"%s\"", claims, rc, e.msg);
		assert_string_equal(sub, "");
		free(token);
	}
}

/* The subject must fit the caller's buffer with its NUL. */
static void test_sub_size_limit(void **state)
{
	(void)state;
	char *token = auth_mint_token("alice", key, KEYLEN, NOW, 60);
	assert_non_null(token);
	char sub[6];
	struct err e;
	assert_int_equal(verify_token(token, key, KEYLEN, sub, 6, &e), 0);
	assert_string_equal(sub, "alice");
	expect_unauth(verify_token(token, key, KEYLEN, sub, 5, &e), &e,
		      "missing, empty or oversize \"sub\" claim");
	free(token);
}

static void test_alg_none_rejected(void **state)
{
	(void)state;
	char claims[128];
	snprintf(claims, sizeof(claims), "{\"sub\":\"alice\",\"exp\":%ld}", (long)NOW + 3600);
	char *head = b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
	/* The hand-made header is the one attackers send. */
	assert_string_equal(head, "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0");
	char *payload = b64url(claims);
	char token[512];
	snprintf(token, sizeof(token), "%s.%s.", head, payload);

	/* libjwt refuses an unsigned token when given a key. */
	char sub[64];
	struct err e;
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "invalid bearer token: malformed or bad signature");
	assert_string_equal(sub, "");

	/* The same claims under an HS256 header but with no signature. */
	free(head);
	head = b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
	snprintf(token, sizeof(token), "%s.%s.", head, payload);
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "malformed or bad signature");
	free(head);
	free(payload);
}

static void test_hs512_rejected(void **state)
{
	(void)state;
	char claims[128];
	snprintf(claims, sizeof(claims), "{\"sub\":\"alice\",\"exp\":%ld}", (long)NOW + 3600);
	char *token = sign_claims(claims, JWT_ALG_HS512, key, KEYLEN);
	char sub[64];
	struct err e;
	expect_unauth(verify_token(token, key, KEYLEN, sub, sizeof(sub), &e), &e,
		      "algorithm \"HS512\" is not accepted, only HS256");
	assert_string_equal(sub, "");
	free(token);
}

static void test_header_forms(void **state)
{
	(void)state;
	char sub[64];
	struct err e;

	err_clear(&e);
	expect_unauth(auth_verify_bearer(NULL, key, KEYLEN, NOW, sub, sizeof(sub), &e), &e,
		      "missing Authorization header");
	err_clear(&e);
	expect_unauth(auth_verify_bearer("", key, KEYLEN, NOW, sub, sizeof(sub), &e), &e,
		      "missing Authorization header");
	err_clear(&e);
	expect_unauth(auth_verify_bearer("Basic x", key, KEYLEN, NOW, sub, sizeof(sub), &e), &e,
		      "unsupported Authorization scheme");
	err_clear(&e);
	expect_unauth(auth_verify_bearer("Bearer", key, KEYLEN, NOW, sub, sizeof(sub), &e), &e,
		      "unsupported Authorization scheme");
	err_clear(&e);
	expect_unauth(auth_verify_bearer("Bearer ", key, KEYLEN, NOW, sub, sizeof(sub), &e), &e,
		      "empty bearer token");
	err_clear(&e);
	expect_unauth(auth_verify_bearer("Bearer    ", key, KEYLEN, NOW, sub, sizeof(sub), &e), &e,
		      "empty bearer token");
	err_clear(&e);
	expect_unauth(auth_verify_bearer("Bearer not.a.jwt", key, KEYLEN, NOW, sub, sizeof(sub), &e),
		      &e, "malformed or bad signature");
}

/* The scheme is case-insensitive (RFC 7235 §2.1). */
static void test_scheme_case_insensitive(void **state)
{
	(void)state;
	char *token = auth_mint_token("alice", key, KEYLEN, NOW, 60);
	assert_non_null(token);
	static const char *const schemes[] = { "bearer", "BEARER", "bEaReR" };
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		char header[1024];
		char sub[64] = "";
		struct err e;
		err_clear(&e);
		snprintf(header, sizeof(header), "%s %s", schemes[i], token);
		int rc = auth_verify_bearer(header, key, KEYLEN, NOW, sub, sizeof(sub), &e);
		if (rc != 0)
			fail_msg("scheme \"%s\": got %d \"%s\"", schemes[i], rc, e.msg);
		assert_string_equal(sub, "alice");
	}
	free(token);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mint_then_verify),
		cmocka_unit_test(test_minted_claims),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_tampered_payload),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_nbf_in_future),
		cmocka_unit_test(test_missing_exp),
		cmocka_unit_test(test_non_integer_exp),
		cmocka_unit_test(test_missing_sub),
		cmocka_unit_test(test_sub_size_limit),
		cmocka_unit_test(test_alg_none_rejected),
		cmocka_unit_test(test_hs512_rejected),
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_scheme_case_insensitive),
	};
	return cmocka_run_group_tests_name("auth/jwt", tests, NULL, NULL);
}
