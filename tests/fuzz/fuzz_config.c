/*
 * fuzz_config.c - libFuzzer target for .specreview.yaml (config_parse)
 * and the spec globs it carries.
 *
 * Any bytes give either settings or diagnostics with positions, never a
 * crash, a leak or a hang.  A rejected file leaves the defaults whole; an
 * accepted one has a records ref and globs that can be matched against
 * any path in bounded time.  Input that starts with "G\n" is instead a
 * glob and a path (split at the first newline after that), so the
 * matcher's '*', '**', '?' and classes are fuzzed directly.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = {
	"specs/a.md", "specs/ja/調達/仕様書.md", "README.md", "a/b/c/d/e.txt",
	"", "specs/", "**", "[", "specs/x]y.md",
};

static void fuzz_glob(const char *s, size_t len)
{
	char *buf = malloc(len + 1);
	char *nl;

	if (!buf)
		return;
	memcpy(buf, s, len);
	buf[len] = '\0';
	nl = strchr(buf, '\n');
	if (nl) {
		*nl = '\0';
		(void)config_glob_match(buf, nl + 1);
		/* A pattern without special characters matches itself. */
		if (!strpbrk(buf, "*?[\\"))
			assert(config_glob_match(buf, buf));
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_config c;
	struct sr_error err = SR_ERROR_INIT;
	const char *s = (const char *)data;
	size_t i, j;
	char *ref;

	if (size > (1u << 16))
		return 0;
	if (size >= 2 && s[0] == 'G' && s[1] == '\n') {
		fuzz_glob(s + 2, size - 2);
		return 0;
	}
	if (config_init(&c) < 0)
		return 0;
	if (config_parse(&c, s, size, ".specreview.yaml", &err) < 0) {
		assert(err.n > 0 || err.oom);
		for (i = 0; i < err.n; i++)
			assert(err.diags[i].msg && err.diags[i].line >= 0);
	}
	ref = config_records_ref(&c);
	if (ref) {
		/* A branch name, or a full ref name (refs/review/x). */
		assert(!strncmp(ref, "refs/", 5));
		free(ref);
	}
	for (i = 0; i < c.nspecs; i++)
		for (j = 0; j < sizeof(paths) / sizeof(*paths); j++)
			(void)config_glob_match(c.specs[i], paths[j]);
	config_release(&c);
	sr_error_release(&err);
	return 0;
}
