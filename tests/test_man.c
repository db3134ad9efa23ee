/*
 * test_man.c - the manual lists exactly what the program accepts: the
 * committed specreview(1) is what `specreview --man` generates, and every
 * command and every option of every command is in it.
 */
#include "testutil.h"

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_committed_page_is_current(void **state)
{
	char *out = NULL, *page = read_all(t_src("docs/specreview.1"));

	(void)state;
	assert_int_equal(t_run(&out, NULL, "%s --man", t_prog()), 0);
	if (strcmp(out, page))
		fail_msg("docs/specreview.1 is out of date: run 'make man'");
	free(out);
	free(page);
}

/* "--format" as roff writes it: \-\-format. */
static int page_has_option(const char *page, const char *opt, size_t len)
{
	char want[128];
	size_t i, n = 0;

	for (i = 0; i < len && n + 3 < sizeof(want); i++) {
		if (opt[i] == '-') {
			want[n++] = '\\';
			want[n++] = '-';
		} else {
			want[n++] = opt[i];
		}
	}
	want[n] = '\0';
	return strstr(page, want) != NULL;
}

static void test_every_command_and_option(void **state)
{
	char *help = NULL, *page = read_all(t_src("docs/specreview.1"));
	const char *p;
	int ncmds = 0;

	(void)state;
	assert_int_equal(t_run(&help, NULL, "%s --help", t_prog()), 0);
	p = strstr(help, "Commands:\n");
	assert_non_null(p);
	for (p += strlen("Commands:\n"); p[0] == ' ' && p[1] == ' '; ) {
		char name[64], want[96], *chelp = NULL;
		const char *q;

		assert_int_equal(sscanf(p, " %63s", name), 1);
		snprintf(want, sizeof(want), ".SS \"specreview %s", name);
		if (!strstr(page, want))
			fail_msg("command '%s' is not in the manual", name);
		ncmds++;
		assert_int_equal(t_run(&chelp, NULL, "%s help %s", t_prog(), name), 0);
		for (q = chelp; (q = strstr(q, "--")); ) {
			size_t len = 2;

			while ((q[len] >= 'a' && q[len] <= 'z') || q[len] == '-')
				len++;
			if (len > 3 && !page_has_option(page, q, len))
				fail_msg("option '%.*s' of '%s' is not in the manual",
					 (int)len, q, name);
			q += len;
		}
		free(chelp);
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	assert_true(ncmds >= 10);
	free(help);
	free(page);
}

static void test_man_renders(void **state)
{
	char *out = NULL;

	(void)state;
	/* groff may be missing on a minimal machine: then nothing to do. */
	if (t_run(NULL, NULL, "command -v man") != 0)
		skip();
	assert_int_equal(t_run(&out, NULL, "MANWIDTH=80 man -l %s",
			       t_src("docs/specreview.1")), 0);
	assert_non_null(strstr(out, "COMMANDS"));
	assert_non_null(strstr(out, "KEYS"));
	free(out);
	assert_int_equal(t_run(&out, NULL, "MANWIDTH=80 man -l %s",
			       t_src("docs/specreview-checklist.5")), 0);
	assert_non_null(strstr(out, "applies_when"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_committed_page_is_current),
		cmocka_unit_test(test_every_command_and_option),
		cmocka_unit_test(test_man_renders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
