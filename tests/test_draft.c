/*
 * test_draft.c - work in progress survives: save, load, remove, and a
 * damaged draft is refused and left for the user.
 */
#include "testutil.h"

#include "draft.h"
#include "error.h"

static char *gitdir;

static int setup(void **state)
{
	char *d = t_mkdtemp();

	(void)state;
	gitdir = malloc(strlen(d) + 2);
	assert_non_null(gitdir);
	snprintf(gitdir, strlen(d) + 2, "%s/", d);
	free(d);
	return 0;
}

static int teardown(void **state)
{
	char *d = strdup(gitdir);

	(void)state;
	d[strlen(d) - 1] = '\0';
	t_rm_rf(d);
	free(d);
	free(gitdir);
	return 0;
}

static void test_round_trip(void **state)
{
	struct draft *d = draft_new("specs/ja/a.md", "0123456789012345678901234567890123456789");
	struct draft *back = NULL;
	struct sr_error err = SR_ERROR_INIT;
	const char *hostile = "タブ\tと改行\nと\\バックスラッシュ「注記」";

	(void)state;
	assert_non_null(d);
	assert_int_equal(draft_set_note(d, 12, hostile, "OS-05"), 0);
	assert_int_equal(draft_set_note(d, 3, "三行目", NULL), 0);
	assert_int_equal(draft_set_disp(d, "OS-10", DISP_ACCEPTED, "理由: 契約書で担保"), 0);
	assert_int_equal(draft_set_str(&d->summary, "要約\n二行目"), 0);
	assert_int_equal(draft_set_str(&d->editing, "typing…"), 0);
	assert_int_equal(draft_set_str(&d->editing_what, "note 7"), 0);
	d->decision = DEC_REQUEST_CHANGES;
	assert_int_equal(draft_save(d, gitdir, &err), 0);
	assert_int_equal(draft_load(&back, gitdir, "specs/ja/a.md", &err), 0);
	assert_int_equal(back->nnotes, 2);
	/* Notes are kept in line order. */
	assert_int_equal(back->notes[0].line, 3);
	assert_string_equal(back->notes[1].note, hostile);
	assert_string_equal(back->notes[1].item, "OS-05");
	assert_null(back->notes[0].item);
	assert_int_equal(back->ndisps, 1);
	assert_int_equal(back->disps[0].disposition, DISP_ACCEPTED);
	assert_string_equal(back->summary, "要約\n二行目");
	assert_string_equal(back->editing, "typing…");
	assert_string_equal(back->editing_what, "note 7");
	assert_int_equal(back->decision, DEC_REQUEST_CHANGES);
	assert_string_equal(back->blob, d->blob);
	draft_free(back);
	/* Another spec has no draft. */
	assert_int_equal(draft_load(&back, gitdir, "specs/other.md", &err), SR_ENOTFOUND);
	/* Emptied, the draft disappears. */
	assert_int_equal(draft_set_note(d, 12, NULL, NULL), 0);
	assert_int_equal(draft_set_note(d, 3, "", NULL), 0);
	assert_int_equal(draft_set_disp(d, "OS-10", -1, NULL), 0);
	draft_set_str(&d->summary, NULL);
	draft_set_str(&d->editing, NULL);
	d->decision = -1;
	assert_true(draft_is_empty(d));
	assert_int_equal(draft_save(d, gitdir, &err), 0);
	assert_int_equal(draft_load(&back, gitdir, "specs/ja/a.md", &err), SR_ENOTFOUND);
	draft_free(d);
	sr_error_release(&err);
}

static void test_damaged_draft_is_kept(void **state)
{
	struct draft *d = draft_new("specs/b.md", "");
	struct draft *back = NULL;
	struct sr_error err = SR_ERROR_INIT;
	char path[4200], *p;
	FILE *f;

	(void)state;
	assert_int_equal(draft_set_note(d, 1, "x", NULL), 0);
	assert_int_equal(draft_save(d, gitdir, &err), 0);
	/* Find the file and damage it. */
	assert_int_equal(t_run(&p, NULL, "ls %sspecreview/drafts/", gitdir), 0);
	p[strcspn(p, "\n")] = '\0';
	snprintf(path, sizeof(path), "%sspecreview/drafts/%s", gitdir, p);
	free(p);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("Z\tgarbage\n", f);
	fclose(f);
	assert_int_equal(draft_load(&back, gitdir, "specs/b.md", &err), SR_EPARSE);
	assert_null(back);
	assert_non_null(strstr(err.diags[0].msg, "damaged draft"));
	assert_int_equal(access(path, F_OK), 0); /* left for the user */
	draft_free(d);
	sr_error_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damaged_draft_is_kept),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
