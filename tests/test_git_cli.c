/*
 * test_git_cli.c - the git-backed commands as users run them: the real
 * program ($SPECREVIEW) on repositories made with the `git` program.
 * check at HEAD, at another ref and in the working tree; record (with
 * its commit, trailers, refusals and bad input); status and log; many
 * writers at once; and writers killed at random moments.
 *
 * HOME is an empty directory and no GIT_AUTHOR_* is set unless a test
 * acts as someone, so the user's own git identity never leaks in.
 */
#include "testutil.h"
#include "testrepo.h"
#include "util.h"
#include "jsonv.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#define BRANCH "specreview/records"
#define LOCK ".git/refs/heads/specreview/records.lock"

static char *g_home;

static const struct tr_person ADMIN = {"Ada Admin", "ada@example.com"};
static const struct tr_person REV = {"Rei Reviewer", "rei@example.com"};
static const struct tr_person ADV = {"Aki Adviser", "aki@example.com"};
static const struct tr_person AUTH = {"Sam Author", "sam@example.com"};


static const char GOOD[] =
    "# Good\n"
    "\n"
    "The contractor shall keep information confidential and shall not "
    "disclose it.\n"
    "\n"
    "The contractor shall accept an audit.\n";

/* GOOD before the audit clause was added: 1/2. */
static const char GOOD_V1[] =
    "# Good\n"
    "\n"
    "The contractor shall keep information confidential and shall not "
    "disclose it.\n";

/* Three lines: A-1 partial, A-2 missing: 0/2. */
static const char GAP[] = "# Gap\n"
			  "\n"
			  "The contractor shall keep information confidential.\n";

/* GAP with the audit clause: 1/2. */
static const char GAP_AUDIT[] =
    "# Gap\n"
    "\n"
    "The contractor shall keep information confidential.\n"
    "\n"
    "The contractor shall accept an audit.\n";

/* ---- running things ------------------------------------------------------ */

/* git ARGS in a directory; specreview ARGS there as someone, at a time. */
#define git(out, dir, ...) tr_git(out, NULL, dir, __VA_ARGS__)
#define sr_at tr_sr
#define sr(out, err, dir, who, ...) sr_at(out, err, dir, who, 0, __VA_ARGS__)

/* The tip of the records branch, or "" when there is none. */
static void tip(const char *dir, char out[41])
{
	char *s = NULL;

	out[0] = '\0';
	if (git(&s, dir, "rev-parse -q --verify refs/heads/" BRANCH) == 0)
		snprintf(out, 41, "%.40s", s);
	free(s);
}

/* How many record files the branch holds. */
static int nrecords(const char *dir)
{
	char *s = NULL;
	int n;

	assert_int_equal(t_run(&s, NULL,
			       "git -C '%s' ls-tree -r --name-only " BRANCH
			       " records 2>/dev/null | wc -l",
			       dir),
			 0);
	n = atoi(s);
	free(s);
	return n;
}

static int exists(const char *dir, const char *rel)
{
	char *p = tr_join(dir, rel);
	int ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

static void commit_all(const char *dir, const char *msg)
{
	assert_int_equal(
	    git(NULL, dir,
		"add -A && git -C '%s' -c user.name='Spec Author' "
		"-c user.email=author@example.com commit -q -m '%s'",
		dir, msg),
	    0);
}

/*
 * A repository with two commits:
 *   HEAD~1  checklists/outsourcing-security.yaml (mini), specs/gap.md (0/2),
 *           specs/good.md (1/2), README.md
 *   HEAD    specs/good.md (2/2), specs/new.md (2/2)
 */
static char *make_repo(void)
{
	char *dir = t_mkdtemp();

	assert_int_equal(git(NULL, dir, "init -q -b main"), 0);
	tr_write(dir, "checklists/outsourcing-security.yaml", TR_MINI);
	tr_write(dir, "specs/gap.md", GAP);
	tr_write(dir, "specs/good.md", GOOD_V1);
	tr_write(dir, "README.md", "readme\n");
	commit_all(dir, "one");
	tr_write(dir, "specs/good.md", GOOD);
	tr_write(dir, "specs/new.md", GOOD);
	commit_all(dir, "two");
	return dir;
}

static void grant(const char *dir, const char *role, const struct tr_person *p)
{
	char *err = NULL;
	int st = sr(NULL, &err, dir, &ADMIN, "roles add %s %s --name '%s'",
		    role, p->email, p->name);

	if (st != 0)
		fail_msg("roles add %s %s: %d %s", role, p->email, st, err);
	free(err);
}

/* ADMIN bootstraps roles.yaml; REV reviews, ADV advises. */
static void setup_roles(const char *dir)
{
	grant(dir, "reviewer", &REV);
	grant(dir, "adviser", &ADV);
}

static void record_ok(const char *dir, const struct tr_person *who,
		      int64_t when, const char *args)
{
	char *err = NULL;
	int st = sr_at(NULL, &err, dir, who, when, "record %s", args);

	if (st != 0)
		fail_msg("record %s: %d %s", args, st, err);
	free(err);
}

static void rm_repo(char *dir)
{
	t_rm_rf(dir);
	free(dir);
}

/* ---- check ----------------------------------------------------------------- */

static void test_check_every_spec_at_head(void **state)
{
	char *dir = make_repo(), *out = NULL, *err = NULL;

	(void)state;
	/* Neither an uncommitted edit nor an untracked spec is seen. */
	tr_write(dir, "specs/good.md", GAP);
	tr_write(dir, "specs/draft.md", GAP);
	assert_int_equal(sr(&out, &err, dir, NULL, "check"), 1);
	assert_non_null(
	    strstr(out, "specs/gap.md: 0/2 mandatory satisfied"));
	assert_non_null(strstr(out, "specs/gap.md:3:1: A-1 partial"));
	assert_non_null(
	    strstr(out, "specs/good.md: 2/2 mandatory satisfied"));
	assert_non_null(strstr(out, "specs/new.md: 2/2 mandatory satisfied"));
	assert_null(strstr(out, "draft.md"));
	assert_null(strstr(out, "README"));
	assert_null(strstr(out, dir)); /* repository paths, not file paths */
	assert_string_equal(err, "");
	free(out);
	free(err);
	rm_repo(dir);
}

static void test_check_from_a_subdirectory(void **state)
{
	char *dir = make_repo(), *sub = tr_join(dir, "specs"), *out = NULL;

	(void)state;
	/* Every spec, named by its repository path ... */
	assert_int_equal(sr(&out, NULL, sub, NULL, "check"), 1);
	assert_non_null(strstr(out, "specs/gap.md: 0/2"));
	assert_non_null(strstr(out, "specs/new.md: 2/2"));
	free(out);
	/* ... and a spec named relative to the current directory. */
	assert_int_equal(sr(&out, NULL, sub, NULL, "check --ref HEAD gap.md"),
			 1);
	assert_non_null(strstr(out, "specs/gap.md: 0/2"));
	assert_null(strstr(out, "good.md"));
	free(out);
	free(sub);
	rm_repo(dir);
}

static void test_check_clean_exit_zero(void **state)
{
	char *dir = make_repo(), *out = NULL;

	(void)state;
	/* Only passing specs named (repository paths at a ref): exit 0. */
	assert_int_equal(sr(&out, NULL, dir, NULL,
			    "check --ref HEAD specs/good.md specs/new.md"),
			 0);
	assert_non_null(strstr(out, "specs/good.md: 2/2"));
	assert_non_null(strstr(out, "specs/new.md: 2/2"));
	assert_null(strstr(out, "gap.md"));
	free(out);
	rm_repo(dir);
}

static void test_check_repo_option_from_elsewhere(void **state)
{
	char *dir = make_repo(), *out = NULL;

	(void)state;
	assert_int_equal(sr(&out, NULL, "/", NULL, "--repo '%s' check", dir),
			 1);
	assert_non_null(strstr(out, "specs/gap.md: 0/2"));
	assert_non_null(strstr(out, "specs/new.md: 2/2"));
	assert_null(strstr(out, dir));
	free(out);
	rm_repo(dir);
}

static void test_check_older_ref(void **state)
{
	char *dir = make_repo(), *out = NULL;

	(void)state;
	assert_int_equal(sr(&out, NULL, dir, NULL, "check --ref HEAD~1"), 1);
	assert_non_null(strstr(out, "specs/good.md: 1/2 mandatory satisfied"));
	assert_non_null(strstr(out, "specs/gap.md: 0/2"));
	/* specs/new.md did not exist yet. */
	assert_null(strstr(out, "new.md"));
	free(out);
	rm_repo(dir);
}

static void test_check_worktree_sees_edit(void **state)
{
	char *dir = make_repo(), *out = NULL;

	(void)state;
	tr_write(dir, "specs/gap.md", GAP_AUDIT);
	assert_int_equal(sr(&out, NULL, dir, NULL, "check --worktree"), 1);
	assert_non_null(strstr(out, "specs/gap.md: 1/2 mandatory satisfied"));
	assert_non_null(strstr(out, "specs/good.md: 2/2"));
	free(out);
	/* The committed text is unchanged. */
	assert_int_equal(sr(&out, NULL, dir, NULL, "check"), 1);
	assert_non_null(strstr(out, "specs/gap.md: 0/2 mandatory satisfied"));
	free(out);
	rm_repo(dir);
}

static void test_check_unknown_ref(void **state)
{
	char *dir = make_repo(), *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(sr(&out, &err, dir, NULL, "check --ref nope"), 2);
	assert_non_null(strstr(err, "unknown revision 'nope'"));
	assert_string_equal(out, "");
	free(out);
	free(err);
	rm_repo(dir);
}

/* check and spell name a SPEC that is none the same way, and stop. */
static void test_check_and_spell_name_no_spec(void **state)
{
	static const char *const cmds[] = {"check", "spell"};
	char *dir = make_repo(), *out = NULL, *err = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(sr(&out, &err, dir, NULL,
				    "%s --ref HEAD specs/gap.md README.md",
				    cmds[i]),
				 2);
		if (!strstr(err, "README.md: not a spec at ") ||
		    !strstr(err, "(see the spec globs in .specreview.yaml)"))
			fail_msg("%s: %s", cmds[i], err);
		assert_string_equal(out, "");
		free(out);
		free(err);
		assert_int_equal(sr(&out, &err, dir, NULL,
				    "%s --worktree specs/nope.md", cmds[i]),
				 2);
		if (!strstr(err, "specs/nope.md: not a spec in the working "
				 "tree"))
			fail_msg("%s: %s", cmds[i], err);
		free(out);
		free(err);
		/* A spec that is one: that spec alone. */
		assert_int_not_equal(sr(&out, &err, dir, NULL,
					"%s --ref HEAD specs/gap.md", cmds[i]),
				     2);
		assert_null(strstr(out, "good.md"));
		free(out);
		free(err);
	}
	rm_repo(dir);
}

/* ---- record ------------------------------------------------------------------ */

static void test_record_commits_author_and_trailers(void **state)
{
	char *dir = make_repo(), *out = NULL, *blob = NULL;
	char want[128];

	(void)state;
	setup_roles(dir);
	assert_int_equal(sr(&out, NULL, dir, &REV,
			    "record specs/gap.md --decision approve"),
			 0);
	assert_non_null(strstr(out, "records/specs/gap.md/"));
	free(out);
	assert_int_equal(git(&blob, dir, "rev-parse HEAD:specs/gap.md"), 0);
	assert_int_equal(git(&out, dir, "log -1 --format=%%an%%n%%ae%%n%%B " BRANCH),
			 0);
	assert_int_equal(strncmp(out, "Rei Reviewer\nrei@example.com\n", 29),
			 0);
	assert_non_null(strstr(out, "\nSpec: specs/gap.md\n"));
	snprintf(want, sizeof(want), "\nSpec-Blob: %.40s\n", blob);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "\nChecklist: mini 1\n"));
	assert_non_null(strstr(out, "\nRole: reviewer\n"));
	assert_non_null(strstr(out, "\nDecision: approve\n"));
	free(out);
	/* git reads them as trailers. */
	assert_int_equal(
	    git(&out, dir,
		"log -1 --format='%%(trailers:key=Decision,valueonly)' " BRANCH),
	    0);
	assert_string_equal(out, "approve\n\n");
	free(out);
	/* Exactly one record file, where the documentation says. */
	assert_int_equal(nrecords(dir), 1);
	free(blob);
	rm_repo(dir);
}

static void test_record_dry_run_commits_nothing(void **state)
{
	char *dir = make_repo(), *out = NULL;
	char before[41], after[41];

	(void)state;
	setup_roles(dir);
	tip(dir, before);
	assert_int_equal(
	    sr(&out, NULL, dir, &REV,
	       "record specs/gap.md --decision comment --dry-run "
	       "--disposition 'A-2=accepted:in the contract' "
	       "--annotate '3:too vague'"),
	    0);
	assert_int_equal(strncmp(out, "version: 1\n", 11), 0);
	assert_non_null(strstr(out, "\nspec: \"specs/gap.md\"\n"));
	assert_non_null(strstr(out, "\nrole: reviewer\n"));
	assert_non_null(strstr(out, "\ndecision: comment\n"));
	assert_non_null(strstr(out, "item: \"A-2\""));
	assert_non_null(strstr(out, "disposition: accepted"));
	assert_non_null(strstr(out, "note: \"in the contract\""));
	assert_non_null(strstr(out, "line: 3"));
	assert_non_null(strstr(
	    out, "snippet: \"The contractor shall keep information "
		 "confidential.\""));
	assert_non_null(strstr(out, "note: \"too vague\""));
	free(out);
	tip(dir, after);
	assert_string_equal(before, after);
	assert_int_equal(nrecords(dir), 0);
	rm_repo(dir);
}

static void test_record_dry_run_creates_no_branch(void **state)
{
	char *dir = make_repo(), *out = NULL;
	char after[41];

	(void)state;
	assert_int_equal(sr(&out, NULL, dir, &AUTH,
			    "record specs/gap.md --decision comment "
			    "--summary hello --dry-run"),
			 0);
	assert_non_null(strstr(out, "\ndecision: comment\n"));
	free(out);
	tip(dir, after);
	assert_string_equal(after, "");
	rm_repo(dir);
}

static void test_record_wrong_role_refused(void **state)
{
	char *dir = make_repo(), *err = NULL;
	char before[41], after[41];

	(void)state;
	setup_roles(dir);
	tip(dir, before);
	assert_int_equal(sr(NULL, &err, dir, &AUTH,
			    "record specs/gap.md --decision approve"),
			 1);
	assert_non_null(strstr(err, "approve needs the reviewer role"));
	assert_non_null(strstr(err, REV.email));
	free(err);
	tip(dir, after);
	assert_string_equal(before, after);
	assert_int_equal(nrecords(dir), 0);
	rm_repo(dir);
}

static void test_record_unknown_item(void **state)
{
	char *dir = make_repo(), *err = NULL;
	char before[41], after[41];

	(void)state;
	setup_roles(dir);
	tip(dir, before);
	assert_int_equal(sr(NULL, &err, dir, &REV,
			    "record specs/gap.md --decision comment "
			    "--disposition X-9=accepted:why"),
			 2);
	assert_non_null(strstr(err, "unknown item 'X-9'"));
	free(err);
	tip(dir, after);
	assert_string_equal(before, after);
	rm_repo(dir);
}

static void test_record_line_past_end(void **state)
{
	char *dir = make_repo(), *err = NULL;
	char before[41], after[41];

	(void)state;
	setup_roles(dir);
	tip(dir, before);
	assert_int_equal(sr(NULL, &err, dir, &REV,
			    "record specs/gap.md --decision comment "
			    "--annotate 99:far"),
			 2);
	assert_non_null(strstr(err, "line 99"));
	free(err);
	/* specs/gap.md has three lines: 4 is already past the end. */
	assert_int_equal(sr(NULL, &err, dir, &REV,
			    "record specs/gap.md --decision comment "
			    "--annotate 4:after"),
			 2);
	assert_non_null(strstr(err, "line 4"));
	free(err);
	tip(dir, after);
	assert_string_equal(before, after);
	rm_repo(dir);
}

static void test_record_needs_summary(void **state)
{
	char *dir = make_repo(), *err = NULL;
	char before[41], after[41];

	(void)state;
	setup_roles(dir);
	tip(dir, before);
	assert_int_equal(sr(NULL, &err, dir, &REV,
			    "record specs/gap.md --decision request-changes"),
			 2);
	assert_non_null(strstr(err, "summary"));
	free(err);
	assert_int_equal(sr(NULL, &err, dir, &REV,
			    "record specs/gap.md --decision request-changes "
			    "--summary ''"),
			 2);
	assert_non_null(strstr(err, "summary"));
	free(err);
	tip(dir, after);
	assert_string_equal(before, after);
	rm_repo(dir);
}

static void test_record_no_identity(void **state)
{
	char *dir = make_repo(), *err = NULL;
	char after[41];

	(void)state;
	/* HOME is empty and no GIT_AUTHOR_* is set. */
	tr_clear_ident();
	assert_int_equal(sr(NULL, &err, dir, NULL,
			    "record specs/gap.md --decision comment "
			    "--summary hello"),
			 2);
	assert_non_null(strstr(err, "no identity"));
	free(err);
	tip(dir, after);
	assert_string_equal(after, "");
	rm_repo(dir);
}

/* ---- status and log ----------------------------------------------------------- */

/*
 * The object of `spec` in the specs of a status --format json output
 * (malloc'd): from the '{' enclosing "path":"<spec>" to its '}'.
 */
static char *spec_obj(const char *json, const char *spec)
{
	char key[256];
	const char *p, *s, *e;
	int depth = 0, in_str = 0;

	snprintf(key, sizeof(key), "\"path\":\"%s\"", spec);
	p = strstr(json, key);
	if (!p)
		fail_msg("no %s in %s", key, json);
	for (s = p; s > json; s--) {
		if (*s == '}')
			depth++;
		else if (*s == '{' && depth-- == 0)
			break;
	}
	assert_true(*s == '{');
	for (e = s, depth = 0; *e; e++) {
		if (in_str) {
			if (*e == '\\')
				e++;
			else if (*e == '"')
				in_str = 0;
		} else if (*e == '"') {
			in_str = 1;
		} else if (*e == '{') {
			depth++;
		} else if (*e == '}' && --depth == 0) {
			break;
		}
	}
	assert_true(*e == '}');
	{
		char *o = malloc((size_t)(e - s) + 2);

		assert_non_null(o);
		memcpy(o, s, (size_t)(e - s) + 1);
		o[e - s + 1] = '\0';
		return o;
	}
}

static void test_status_json(void **state)
{
	char *dir = make_repo(), *out = NULL, *o;
	int64_t t = 1764200000;

	(void)state;
	setup_roles(dir);
	record_ok(dir, &REV, t,
		  "specs/gap.md --decision comment "
		  "--disposition 'A-2=accepted:audit is in the contract'");
	record_ok(dir, &REV, t + 60, "specs/gap.md --decision approve");
	record_ok(dir, &ADV, t + 120, "specs/gap.md --decision sign-off");
	record_ok(dir, &AUTH, t + 180,
		  "specs/good.md --decision comment --summary 'please look'");
	/* gap.md changes after its sign-off. */
	tr_write(dir, "specs/gap.md", "# Gap\n\nThe contractor shall keep "
				      "information confidential.\n\nMore.\n");
	commit_all(dir, "three");

	assert_int_equal(sr(&out, NULL, dir, NULL, "status --format json"), 0);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"version\":1"));
	o = spec_obj(out, "specs/gap.md");
	assert_non_null(strstr(o, "\"state\":\"signed-off\""));
	assert_non_null(strstr(o, "\"stale\":true"));
	assert_non_null(strstr(o, "\"mandatory\":2"));
	assert_non_null(strstr(o, "\"satisfied\":0"));
	/* A-1 partial is open; A-2 missing was accepted. */
	assert_non_null(strstr(o, "\"open_gaps\":1"));
	assert_non_null(strstr(o, "\"who\":\"Aki Adviser\""));
	assert_non_null(strstr(o, "\"role\":\"adviser\""));
	assert_non_null(strstr(o, "\"decision\":\"sign-off\""));
	free(o);
	o = spec_obj(out, "specs/good.md");
	assert_non_null(strstr(o, "\"state\":\"in-review\""));
	assert_non_null(strstr(o, "\"stale\":false"));
	assert_non_null(strstr(o, "\"satisfied\":2"));
	assert_non_null(strstr(o, "\"open_gaps\":0"));
	assert_non_null(strstr(o, "\"decision\":\"comment\""));
	free(o);
	o = spec_obj(out, "specs/new.md");
	assert_non_null(strstr(o, "\"state\":\"draft\""));
	assert_non_null(strstr(o, "\"stale\":false"));
	assert_non_null(strstr(o, "\"open_gaps\":0"));
	assert_non_null(strstr(o, "\"last\":null"));
	free(o);
	free(out);
	rm_repo(dir);
}

static void test_log_newest_first(void **state)
{
	char *dir = make_repo(), *out = NULL, *err = NULL;
	const char *a, *b, *c;
	int64_t t = 1764200000;

	(void)state;
	setup_roles(dir);
	record_ok(dir, &AUTH, t,
		  "specs/gap.md --decision comment --summary 'first'");
	record_ok(dir, &REV, t + 60,
		  "specs/gap.md --decision request-changes --summary 'second'");
	record_ok(dir, &REV, t + 120, "specs/gap.md --decision approve");
	record_ok(dir, &AUTH, t + 180,
		  "specs/good.md --decision comment --summary 'other spec'");

	assert_int_equal(
	    sr(&out, &err, dir, NULL, "log specs/gap.md --format json"), 0);
	assert_string_equal(err, "");
	assert_true(json_valid(out));
	a = strstr(out, "\"decision\":\"approve\"");
	b = strstr(out, "\"decision\":\"request-changes\"");
	c = strstr(out, "\"decision\":\"comment\"");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c);
	/* Only that spec's records, each on the current text. */
	assert_null(strstr(out, "specs/good.md"));
	assert_null(strstr(out, "\"current\":false"));
	free(out);
	free(err);

	/* The text form, for every spec: newest first too. */
	assert_int_equal(sr(&out, NULL, dir, NULL, "log"), 0);
	a = strstr(out, "specs/good.md");
	b = strstr(out, "approve");
	c = strstr(out, "request-changes");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c);
	assert_non_null(strstr(out, "Rei Reviewer"));
	free(out);
	rm_repo(dir);
}

/* ---- many writers ------------------------------------------------------------- */

#define WRITERS 8
#define EACH 10

static char *make_spec_repo(int nspecs)
{
	char *dir = t_mkdtemp(), rel[64], text[64];
	int i;

	assert_int_equal(git(NULL, dir, "init -q -b main"), 0);
	for (i = 0; i < nspecs; i++) {
		snprintf(rel, sizeof(rel), "specs/s%d.md", i);
		snprintf(text, sizeof(text), "# Spec %d\n\nBody %d.\n", i, i);
		tr_write(dir, rel, text);
	}
	commit_all(dir, "specs");
	return dir;
}

/* Starts the program `argv` (stdout to /dev/null, stderr appended to
 * `errlog`); returns its pid. */
static pid_t spawn(char *const argv[], const char *errlog)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		fd = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		execv(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/*
 * Writer `w`: waits for the start signal on `go`, then makes EACH
 * records one after the other, each as a comment with a summary; exits
 * with the number that failed.  Writers of the first half all record on
 * specs/s0.md (one spec, many writers, and one writer several times a
 * second); the others on specs/s<k>.md, a different spec each time.
 */
static void writer(int w, int go, const char *dir, const char *errlog)
{
	char name[32], email[64], spec[32], summary[32], c;
	int k, failed = 0;

	snprintf(name, sizeof(name), "Writer %d", w);
	snprintf(email, sizeof(email), "writer%d@example.com", w);
	setenv("GIT_AUTHOR_NAME", name, 1);
	setenv("GIT_AUTHOR_EMAIL", email, 1);
	if (read(go, &c, 1) != 0)
		_exit(100);
	for (k = 0; k < EACH; k++) {
		char *argv[] = {(char *)t_prog(), "--repo", (char *)dir,
				"record", spec, "--decision", "comment",
				"--summary", summary, NULL};
		int st;
		pid_t pid;

		snprintf(spec, sizeof(spec), "specs/s%d.md",
			 w < WRITERS / 2 ? 0 : k);
		snprintf(summary, sizeof(summary), "w%d k%d", w, k);
		pid = spawn(argv, errlog);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			failed++;
	}
	_exit(failed);
}

static void test_concurrent_writers(void **state)
{
	char *dir = make_spec_repo(EACH);
	pid_t pids[WRITERS];
	char errlog[WRITERS][4200];
	int go[2], w, st, bad = 0;
	char *out = NULL;

	(void)state;
	assert_int_equal(pipe(go), 0);
	for (w = 0; w < WRITERS; w++) {
		snprintf(errlog[w], sizeof(errlog[w]), "%s/.git/writer%d.err",
			 dir, w);
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			close(go[1]);
			writer(w, go[0], dir, errlog[w]);
		}
	}
	/* All start at the same moment: when the pipe closes. */
	close(go[0]);
	close(go[1]);
	for (w = 0; w < WRITERS; w++) {
		assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
		assert_true(WIFEXITED(st));
		if (WEXITSTATUS(st) != 0) {
			char *log = NULL;
			size_t n = 0;

			tr_read_all(errlog[w], &log, &n);
			print_message("writer %d: %d failed: %s", w,
				      WEXITSTATUS(st), log);
			free(log);
			bad++;
		}
	}
	assert_int_equal(bad, 0);

	/* Every record is there, once. */
	assert_int_equal(nrecords(dir), WRITERS * EACH);
	assert_int_equal(t_run(&out, NULL,
			       "git -C '%s' log --format=%%b " BRANCH
			       " | grep -E '^w[0-9]+ k[0-9]+$' | sort -u | wc -l",
			       dir),
			 0);
	assert_int_equal(atoi(out), WRITERS * EACH);
	free(out);
	/* One commit per record, in a line. */
	assert_int_equal(git(&out, dir, "rev-list --count " BRANCH), 0);
	assert_int_equal(atoi(out), WRITERS * EACH);
	free(out);
	assert_int_equal(git(&out, dir, "rev-list --min-parents=2 " BRANCH),
			 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(git(NULL, dir, "fsck --strict"), 0);
	assert_false(exists(dir, LOCK));
	rm_repo(dir);
}

/* ---- writers killed ------------------------------------------------------------ */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - ts.tv_sec * 1000.0) * 1e6);
	nanosleep(&ts, NULL);
}

/* Whether every record on the branch parses, and how many there are. */
static int records_parse(const char *dir)
{
	char *out = NULL, *err = NULL;
	const char *p;
	int n = 0;

	assert_int_equal(sr(&out, &err, dir, NULL, "log --format json"), 0);
	assert_string_equal(err, "");
	assert_true(json_valid(out));
	for (p = out; (p = strstr(p, "\"decision\":\"comment\"")); p++)
		n++;
	free(out);
	free(err);
	return n;
}

#define KILLS 30

static void test_killed_writer_leaves_record_whole_or_absent(void **state)
{
	char *dir = make_spec_repo(1), errlog[4200], email[64];
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	double t0, full;
	int i, before, after, st, locks = 0, completed = 0;
	pid_t pid;

	(void)state;
	snprintf(errlog, sizeof(errlog), "%s/.git/kill.err", dir);
	setenv("GIT_AUTHOR_NAME", "Killed Writer", 1);
	/* How long a whole record takes here (sanitizers are slow). */
	setenv("GIT_AUTHOR_EMAIL", "first@example.com", 1);
	{
		char *argv[] = {(char *)t_prog(), "--repo", dir, "record",
				"specs/s0.md", "--decision", "comment",
				"--summary", "whole", NULL};

		t0 = now_ms();
		pid = spawn(argv, errlog);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		full = now_ms() - t0;
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	before = nrecords(dir);
	assert_int_equal(before, 1);
	print_message("kill test: seed %u, a record takes %.1f ms\n", seed,
		      full);

	for (i = 0; i < KILLS; i++) {
		char summary[32];
		char *argv[] = {(char *)t_prog(), "--repo", dir, "record",
				"specs/s0.md", "--decision", "comment",
				"--summary", summary, NULL};
		/* Anywhere from before it starts to after it is done. */
		double delay = full * 1.2 * rand_r(&seed) / (double)RAND_MAX;

		snprintf(summary, sizeof(summary), "kill %d", i);
		/* A person of its own: no two records share a name. */
		snprintf(email, sizeof(email), "k%d@example.com", i);
		setenv("GIT_AUTHOR_EMAIL", email, 1);
		pid = spawn(argv, errlog);
		assert_true(pid > 0);
		sleep_ms(delay);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFEXITED(st)) {
			assert_int_equal(WEXITSTATUS(st), 0);
			completed++;
		}

		/* The repository is valid ... */
		if (git(NULL, dir, "fsck --strict") != 0)
			fail_msg("fsck after a kill at %.1f ms", delay);
		/* ... and the record is all there or not there. */
		after = nrecords(dir);
		if (WIFEXITED(st))
			assert_int_equal(after, before + 1);
		else
			assert_true(after == before || after == before + 1);
		if (after == before + 1) {
			char *out = NULL;

			/* Whole: every record parses, the new one included,
			 * and its commit is complete. */
			assert_int_equal(records_parse(dir), after);
			assert_int_equal(
			    git(&out, dir, "log -1 --format=%%B " BRANCH), 0);
			assert_non_null(strstr(out, summary));
			assert_non_null(strstr(out, "\nDecision: comment\n"));
			free(out);
		}

		/* A lock left behind: the next writer says so, and writes
		 * nothing. */
		if (exists(dir, LOCK)) {
			char *err = NULL;
			int n = nrecords(dir);

			locks++;
			assert_int_not_equal(
			    sr(NULL, &err, dir, &AUTH,
			       "record specs/s0.md --decision comment "
			       "--summary 'after the lock'"),
			    0);
			assert_non_null(strstr(err, "specreview/records.lock"));
			free(err);
			assert_int_equal(nrecords(dir), n);
			{
				char *p = tr_join(dir, LOCK);

				assert_int_equal(unlink(p), 0);
				free(p);
			}
		}
		before = after;
	}
	/* Still one line of history. */
	{
		char *out = NULL;

		assert_int_equal(
		    git(&out, dir, "rev-list --min-parents=2 " BRANCH), 0);
		assert_string_equal(out, "");
		free(out);
	}
	assert_int_equal(records_parse(dir), before);
	print_message("kill test: %d of %d completed, %d locks left\n",
		      completed, KILLS, locks);
	tr_clear_ident();
	rm_repo(dir);
}

/* A ref lock left by a writer that died long ago is named, not waited
 * on forever, and nothing is recorded. */
static void test_stale_lock_named(void **state)
{
	char *dir = make_repo(), *err = NULL, *lock;
	struct timeval old[2];
	char before[41], after[41];
	double t0;

	(void)state;
	record_ok(dir, &AUTH, 0,
		  "specs/gap.md --decision comment --summary first");
	tip(dir, before);
	lock = tr_join(dir, LOCK);
	t_write(lock, "");
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 3600;
	old[0].tv_usec = old[1].tv_usec = 0;
	assert_int_equal(utimes(lock, old), 0);
	t0 = now_ms();
	assert_int_not_equal(sr(NULL, &err, dir, &REV,
				"record specs/gap.md --decision comment "
				"--summary second"),
			     0);
	assert_true(now_ms() - t0 < 5000);
	assert_non_null(strstr(err, "refs/heads/specreview/records.lock"));
	assert_non_null(strstr(err, "remove"));
	free(err);
	tip(dir, after);
	assert_string_equal(before, after);
	/* Once it is removed, recording works again. */
	assert_int_equal(unlink(lock), 0);
	record_ok(dir, &REV, 0,
		  "specs/gap.md --decision comment --summary second");
	assert_int_equal(nrecords(dir), 2);
	free(lock);
	rm_repo(dir);
}

/*
 * A full disk or a read-only .git while a record is written (made with
 * tests/faultfs.c, since CI runs as root): a clear error naming the
 * cause, exit 2, the branch where it was, no lock left, a repository that
 * git fsck finds sound, and recording works again once the fault is gone.
 */
static void test_record_on_full_or_read_only_disk(void **state)
{
	static const struct {
		const char *where, *err, *says;
	} faults[] = {
		{"/.git/objects/", "ENOSPC", "No space left on device"},
		{"/.git/objects/", "EROFS", "Read-only file system"},
		{"/.git/refs/", "ENOSPC", "No space left on device"},
		{"/.git/refs/", "EROFS", "Read-only file system"},
		{"/.git/", "EROFS", "Read-only file system"},
	};
	const char *so = getenv("SR_FAULTFS");
	char *dir = make_repo(), *err = NULL;
	char before[41], after[41];
	size_t i;

	(void)state;
	if (!so)
		fail_msg("SR_FAULTFS is not set: run the tests with make test");
	record_ok(dir, &AUTH, 0,
		  "specs/gap.md --decision comment --summary first");
	tip(dir, before);
	for (i = 0; i < sizeof(faults) / sizeof(*faults); i++) {
		int rc = t_run(NULL, &err,
			       "cd '%s' && GIT_AUTHOR_NAME='%s' "
			       "GIT_AUTHOR_EMAIL='%s' LD_PRELOAD='%s' "
			       "ASAN_OPTIONS=\"$ASAN_OPTIONS:"
			       "verify_asan_link_order=0\" "
			       "FAULT_PREFIX='%s' FAULT_ERRNO=%s '%s' record "
			       "specs/gap.md --decision comment "
			       "--summary 'on a bad day'",
			       dir, REV.name, REV.email, so, faults[i].where,
			       faults[i].err, t_prog());

		if (rc != 2 || !strstr(err, faults[i].says))
			fail_msg("%s %s: exit %d, said: %s", faults[i].where,
				 faults[i].err, rc, err);
		free(err);
		err = NULL;
		tip(dir, after);
		assert_string_equal(before, after);
		assert_false(exists(dir, LOCK));
		assert_int_equal(git(NULL, dir, "fsck --strict"), 0);
	}
	record_ok(dir, &REV, 0,
		  "specs/gap.md --decision comment --summary 'a good day'");
	assert_int_equal(nrecords(dir), 2);
	rm_repo(dir);
}

/*
 * libgit2 and Hunspell are loaded when first needed (src/dynlib.h): a
 * check of a file loads neither (with them, starting took three times as
 * long as checking a spec), and where one cannot be loaded, the command
 * that needs it says which and exits 2 while a check of files still
 * works.
 */
static void test_libraries_loaded_when_needed(void **state)
{
	const char *so = getenv("SR_FAULTFS");
	char *dir = make_repo(), *err = NULL, *spec = tr_join(dir, "specs/gap.md");
	int rc;

	(void)state;
	if (!so)
		fail_msg("SR_FAULTFS is not set: run the tests with make test");
	/* ld.so lists what it loads on stderr */
	rc = t_run(NULL, &err, "LD_DEBUG=files '%s' check '%s'", t_prog(),
		   spec);
	assert_int_equal(rc, 1);
	if (strstr(err, "libgit2") || strstr(err, "libhunspell"))
		fail_msg("a check of a file loaded: %s", err);
	free(err);
	err = NULL;
#define NO_LIB(lib)                                                            \
	"cd '%s' && LD_PRELOAD='%s' FAULT_DLOPEN=" lib " "                     \
	"ASAN_OPTIONS=\"$ASAN_OPTIONS:verify_asan_link_order=0\" '%s' "
	rc = t_run(NULL, &err, NO_LIB("libgit2") "check", dir, so, t_prog());
	if (rc != 2 || !strstr(err, "cannot load libgit2"))
		fail_msg("a check of the repository without libgit2: exit "
			 "%d, said: %s",
			 rc, err);
	free(err);
	err = NULL;
	rc = t_run(NULL, &err, NO_LIB("libgit2") "check specs/gap.md", dir, so,
		   t_prog());
	assert_int_equal(rc, 1);
	free(err);
	err = NULL;
	rc = t_run(NULL, &err, NO_LIB("libhunspell") "spell specs/gap.md", dir,
		   so, t_prog());
	if (rc != 2 || !strstr(err, "cannot load libhunspell"))
		fail_msg("spell without Hunspell: exit %d, said: %s", rc, err);
#undef NO_LIB
	free(err);
	free(spec);
	rm_repo(dir);
}

/*
 * A spec whose blob is corrupt or missing from the object store: that spec
 * is reported by name, every other spec is still checked and listed, and
 * the exit status says something could not be read.
 */
static void test_corrupt_or_missing_object(void **state)
{
	char *dir = make_repo(), *out = NULL, *err = NULL, *blob = NULL;
	char obj[128], *path, *saved = NULL;
	size_t nsaved = 0;
	FILE *f;
	int mode, rc;

	(void)state;
	assert_int_equal(git(&blob, dir, "rev-parse HEAD:specs/gap.md"), 0);
	snprintf(obj, sizeof(obj), ".git/objects/%.2s/%.38s", blob, blob + 2);
	path = tr_join(dir, obj);
	tr_read_all(path, &saved, &nsaved);
	for (mode = 0; mode < 2; mode++) {
		if (mode == 0) {
			assert_int_equal(chmod(path, 0644), 0);
			t_write(path, "garbage");
		} else {
			assert_int_equal(unlink(path), 0);
		}
		rc = sr(&out, &err, dir, NULL, "check --format json");
		if (rc != 2 || !strstr(err, "specs/gap.md"))
			fail_msg("check: exit %d, said: %s", rc, err);
		assert_non_null(strstr(out, "\"specs/good.md\""));
		assert_non_null(strstr(out, "\"specs/new.md\""));
		free(out);
		free(err);
		rc = sr(&out, &err, dir, NULL, "status");
		if (rc != 2 || !strstr(err, "specs/gap.md"))
			fail_msg("status: exit %d, said: %s", rc, err);
		assert_non_null(strstr(out, "specs/good.md"));
		assert_non_null(strstr(out, "specs/new.md"));
		free(out);
		free(err);
		out = err = NULL;
	}
	/* Back in place, all is well again (the gap's findings: exit 1). */
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(saved, 1, nsaved, f), nsaved);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(sr(NULL, NULL, dir, NULL, "check"), 1);
	assert_int_equal(sr(NULL, NULL, dir, NULL, "status"), 0);
	free(saved);
	free(path);
	free(blob);
	rm_repo(dir);
}

/* A committed spec over the size limit is named and skipped without
 * being inflated; the others are checked. */
static void test_oversized_spec_in_repository(void **state)
{
	char *dir = make_repo(), *out = NULL, *err = NULL;
	int rc;

	(void)state;
	assert_int_equal(t_run(NULL, NULL,
			       "head -c %u /dev/zero | tr '\\0' a > '%s/specs/big.md'",
			       SR_MAX_SPEC_BYTES + 1, dir),
			 0);
	commit_all(dir, "big");
	rc = sr(&out, &err, dir, NULL, "check --format json");
	if (rc != 2 || !strstr(err, "specs/big.md: is ") ||
	    !strstr(err, "over the limit"))
		fail_msg("exit %d, said: %s", rc, err);
	assert_non_null(strstr(out, "\"specs/good.md\""));
	free(out);
	free(err);
	rm_repo(dir);
}

/* Whether `s` holds a byte that would act on a terminal (ESC, BEL, ...),
 * apart from the newlines that end lines. */
static int has_raw_control(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') ||
		    *s == 0x7f)
			return 1;
	return 0;
}

/*
 * Hostile spec paths committed to a repository: a newline, terminal
 * escape sequences, a 240-byte name.  check, status and log show them
 * escaped; a record of the escape-sequence path is refused with the
 * reason, one of the long name is made; the working tree is not touched.
 */
static void test_hostile_paths_in_repository(void **state)
{
	char *dir = make_repo(), *out = NULL, *err = NULL, longname[300];
	const char *esc = "\"$(printf 'specs/esc\\033]0;pwned\\007.md')\"";
	int rc;

	(void)state;
	snprintf(longname, sizeof(longname), "specs/%0240d.md", 0);
	tr_write(dir, longname, GOOD);
	assert_int_equal(t_run(NULL, NULL,
			       "cd '%s' && printf 'x\\n' > \"$(printf "
			       "'specs/new\\nline.md')\" && printf 'y\\n' > %s",
			       dir, esc),
			 0);
	commit_all(dir, "hostile names");

	rc = sr(&out, &err, dir, NULL, "check");
	assert_int_equal(rc, 1);
	assert_false(has_raw_control(out));
	assert_false(has_raw_control(err));
	assert_non_null(strstr(out, "specs/esc\\x1b]0;pwned\\x07.md"));
	assert_non_null(strstr(out, "specs/new\\x0aline.md"));
	assert_non_null(strstr(out, longname));
	free(out);
	free(err);
	rc = sr(&out, &err, dir, NULL, "status --format json");
	assert_int_equal(rc, 0);
	assert_false(has_raw_control(out));
	assert_non_null(strstr(out, "specs/esc\\u001b]0;pwned\\u0007.md"));
	free(out);
	free(err);

	rc = sr(NULL, &err, dir, &AUTH,
		"record %s --decision comment --summary x", esc);
	assert_int_equal(rc, 2);
	assert_false(has_raw_control(err));
	assert_non_null(strstr(err, "control character in path"));
	free(err);
	record_ok(dir, &AUTH, 0, "specs/0000* --decision comment "
				 "--summary \"$(printf 'a\\033[2Jb')\"");
	rc = sr(&out, &err, dir, NULL, "log");
	assert_int_equal(rc, 0);
	assert_false(has_raw_control(out));
	assert_non_null(strstr(out, "specs/0000"));
	free(out);
	free(err);
	assert_int_equal(git(&out, dir, "status --porcelain --ignored"), 0);
	assert_string_equal(out, "");
	free(out);
	rm_repo(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_every_spec_at_head),
	    cmocka_unit_test(test_check_from_a_subdirectory),
	    cmocka_unit_test(test_check_clean_exit_zero),
	    cmocka_unit_test(test_check_repo_option_from_elsewhere),
	    cmocka_unit_test(test_check_older_ref),
	    cmocka_unit_test(test_check_worktree_sees_edit),
	    cmocka_unit_test(test_check_unknown_ref),
	    cmocka_unit_test(test_check_and_spell_name_no_spec),
	    cmocka_unit_test(test_record_commits_author_and_trailers),
	    cmocka_unit_test(test_record_dry_run_commits_nothing),
	    cmocka_unit_test(test_record_dry_run_creates_no_branch),
	    cmocka_unit_test(test_record_wrong_role_refused),
	    cmocka_unit_test(test_record_unknown_item),
	    cmocka_unit_test(test_record_line_past_end),
	    cmocka_unit_test(test_record_needs_summary),
	    cmocka_unit_test(test_record_no_identity),
	    cmocka_unit_test(test_status_json),
	    cmocka_unit_test(test_log_newest_first),
	    cmocka_unit_test(test_concurrent_writers),
	    cmocka_unit_test(test_killed_writer_leaves_record_whole_or_absent),
	    cmocka_unit_test(test_stale_lock_named),
	    cmocka_unit_test(test_record_on_full_or_read_only_disk),
	    cmocka_unit_test(test_corrupt_or_missing_object),
	    cmocka_unit_test(test_libraries_loaded_when_needed),
	    cmocka_unit_test(test_hostile_paths_in_repository),
	    cmocka_unit_test(test_oversized_spec_in_repository),
	};
	int ret;

	git_libgit2_init();
	g_home = t_mkdtemp();
	tr_isolate(g_home);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	t_rm_rf(g_home);
	free(g_home);
	git_libgit2_shutdown();
	return ret;
}
