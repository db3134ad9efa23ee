/*
 * test_sync.c - `specreview sync` between reviewers: one bare repository
 * (the server) and clones of it made with the `git` program, records made
 * with the real program, synced through libgit2.  Three clones recording
 * and syncing at once end with every record exactly once everywhere and a
 * history that verifies; signed commits replayed onto a moved remote stay
 * signed; a local history that does not verify is never pushed; spec
 * branches and checkouts are never touched.
 *
 * HOME is an empty directory; throwaway ed25519 keys are made there.
 */
#include "testutil.h"
#include "testrepo.h"

#include <time.h>

#define BRANCH "specreview/records"
#define REF    "refs/heads/" BRANCH

static char *g_home;
static char g_keys[4200];

static const struct tr_person ADA = {"Ada Admin", "ada@example.com"};
static const struct tr_person REI = {"Rei Reviewer", "rei@example.com"};
static const struct tr_person AKI = {"Aki Adviser", "aki@example.com"};

static const char SPEC_A[] = "# A\n\nThe contractor shall keep information "
			     "confidential.\n";

/* ---- running things ------------------------------------------------------ */

#define git tr_git
#define sr(out, err, dir, who, ...) tr_sr(out, err, dir, who, 0, __VA_ARGS__)


static void sr_ok(const char *dir, const struct tr_person *who, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
static void sr_ok(const char *dir, const struct tr_person *who, const char *fmt,
		  ...)
{
	char args[4096], *err = NULL;
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	st = sr(NULL, &err, dir, who, "%s", args);
	if (st != 0)
		fail_msg("specreview %s in %s: %d %s", args, dir, st, err);
	free(err);
}

static void tip(const char *dir, const char *ref, char out[41])
{
	char *s = NULL;

	out[0] = '\0';
	if (git(&s, NULL, dir, "rev-parse -q --verify '%s'", ref) == 0)
		snprintf(out, 41, "%.40s", s);
	free(s);
}

static int count(const char *dir, const char *what)
{
	char *s = NULL;
	int n;

	assert_int_equal(t_run(&s, NULL, "cd '%s' && %s", dir, what), 0);
	n = atoi(s);
	free(s);
	return n;
}

static int nrecords(const char *dir)
{
	return count(dir, "git ls-tree -r --name-only " REF
			  " records 2>/dev/null | wc -l");
}

static void rm_dir(char *dir)
{
	t_rm_rf(dir);
	free(dir);
}

/* ---- a server and its clones --------------------------------------------- */

struct world {
	char *top;  /* everything lives under it */
	char *bare; /* the server */
	char *seed; /* where the history was made */
};

/* `top`/name, malloc'd */
static char *at(const struct world *w, const char *name)
{
	return tr_join(w->top, name);
}

/*
 * A server holding specs/a.md on main and, unless `bare_only`, roles
 * (Ada admin, Rei reviewer, Aki adviser with a key) on the records branch.
 */
static void world(struct world *w, int with_roles)
{
	memset(w, 0, sizeof(*w));
	w->top = t_mkdtemp();
	w->bare = at(w, "server.git");
	w->seed = at(w, "seed");
	assert_int_equal(
	    t_run(NULL, NULL, "git init -q --bare -b main '%s'", w->bare), 0);
	assert_int_equal(t_run(NULL, NULL, "git init -q -b main '%s'", w->seed),
			 0);
	tr_write(w->seed, "specs/a.md", SPEC_A);
	assert_int_equal(git(NULL, NULL, w->seed,
			     "add -A && git -C '%s' -c user.name=A -c "
			     "user.email=a@example.com commit -q -m specs",
			     w->seed),
			 0);
	if (with_roles) {
		sr_ok(w->seed, &ADA, "roles add reviewer %s", REI.email);
		sr_ok(w->seed, &ADA, "roles add adviser %s --key '%s/aki.pub'",
		      AKI.email, g_keys);
	}
	assert_int_equal(git(NULL, NULL, w->seed, "push -q '%s' main%s",
			     w->bare, with_roles ? " " BRANCH : ""),
			 0);
}

static char *clone(const struct world *w, const char *name)
{
	char *dir = at(w, name);

	assert_int_equal(
	    t_run(NULL, NULL, "git clone -q '%s' '%s'", w->bare, dir), 0);
	return dir;
}

static void world_release(struct world *w)
{
	free(w->bare);
	free(w->seed);
	rm_dir(w->top);
}

/* ---- three reviewers at once --------------------------------------------- */

#define CLONES 3
#define EACH   6

/* A child: EACH times, record a comment and sync.  Exits with failures. */
static void reviewer(const char *dir, int c, int go, const char *log)
{
	char cmd[8192], buf;
	unsigned seed = (unsigned)getpid();
	int k, failed = 0;

	/* Wait for the start (the parent closes the pipe). */
	if (read(go, &buf, 1) < 0)
		_exit(99);
	for (k = 0; k < EACH; k++) {
		struct timespec ts = {0, (long)(rand_r(&seed) % 30) * 1000000};

		snprintf(cmd, sizeof(cmd),
			 "cd '%s' && GIT_AUTHOR_NAME='%s' "
			 "GIT_AUTHOR_EMAIL='%s' '%s' record specs/a.md "
			 "--decision comment --summary 'c%d k%d' >/dev/null "
			 "2>>'%s' && '%s' sync -q 2>>'%s'",
			 dir, REI.name, REI.email, t_prog(), c, k, log,
			 t_prog(), log);
		if (system(cmd) != 0)
			failed++;
		nanosleep(&ts, NULL);
	}
	_exit(failed);
}

static void test_three_clones_concurrently(void **state)
{
	struct world w;
	char *dirs[CLONES], logs[CLONES][4200], want[41], t[41];
	pid_t pids[CLONES];
	int go[2], c, st, bad = 0, round;
	const int base = 0;

	(void)state;
	world(&w, 1);
	for (c = 0; c < CLONES; c++) {
		char name[16];

		snprintf(name, sizeof(name), "c%d", c);
		dirs[c] = clone(&w, name);
		snprintf(logs[c], sizeof(logs[c]), "%s/sync%d.log", w.top, c);
	}
	assert_int_equal(pipe(go), 0);
	for (c = 0; c < CLONES; c++) {
		pids[c] = fork();
		assert_true(pids[c] >= 0);
		if (pids[c] == 0) {
			close(go[1]);
			reviewer(dirs[c], c, go[0], logs[c]);
		}
	}
	close(go[0]);
	close(go[1]);
	for (c = 0; c < CLONES; c++) {
		assert_int_equal(waitpid(pids[c], &st, 0), pids[c]);
		assert_true(WIFEXITED(st));
		if (WEXITSTATUS(st)) {
			char *log = NULL;
			size_t n = 0;

			tr_read_all(logs[c], &log, &n);
			print_message("clone %d: %d failed: %s\n", c,
				      WEXITSTATUS(st), log);
			free(log);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* Quiet now: two rounds bring everyone up to date. */
	for (round = 0; round < 2; round++)
		for (c = 0; c < CLONES; c++)
			sr_ok(dirs[c], NULL, "sync");
	tip(w.bare, REF, want);
	assert_int_equal(nrecords(w.bare), base + CLONES * EACH);
	for (c = 0; c <= CLONES; c++) {
		const char *d = c < CLONES ? dirs[c] : w.bare;
		char *out = NULL;

		tip(d, REF, t);
		assert_string_equal(t, want);
		assert_int_equal(nrecords(d), base + CLONES * EACH);
		/* Every record exactly once: its summary in one commit. */
		assert_int_equal(
		    count(d,
			  "git log --format=%b " REF
			  " | grep -E '^c[0-9]+ k[0-9]+$' | sort -u | wc -l"),
		    CLONES * EACH);
		assert_int_equal(
		    count(d, "git log --format=%b " REF
			     " | grep -E '^c[0-9]+ k[0-9]+$' | wc -l"),
		    CLONES * EACH);
		/* A straight line that verifies. */
		assert_int_equal(
		    count(d, "git rev-list --min-parents=2 " REF " | wc -l"),
		    0);
		if (sr(&out, NULL, d, NULL, "verify") != 0)
			fail_msg("verify in %s:\n%s", d, out);
		free(out);
	}
	assert_int_equal(git(NULL, NULL, w.bare, "fsck --strict"), 0);
	/* No temporary refs left behind. */
	assert_int_equal(count(w.bare, "git for-each-ref refs/specreview | "
				       "wc -l"),
			 0);
	for (c = 0; c < CLONES; c++)
		free(dirs[c]);
	world_release(&w);
}

/* ---- the simple cases ------------------------------------------------------
 */

static void test_first_push_and_first_fetch(void **state)
{
	struct world w;
	char *a, *b, *out = NULL, ta[41], tb[41], tbare[41];

	(void)state;
	world(&w, 0); /* no records branch on the server */
	a = clone(&w, "a");
	b = clone(&w, "b");
	/* Nothing anywhere. */
	assert_int_equal(sr(&out, NULL, a, NULL, "sync"), 0);
	assert_non_null(strstr(out, "no records on either side yet"));
	free(out);
	/* a creates it on the server ... */
	sr_ok(a, &ADA, "roles add reviewer %s", REI.email);
	assert_int_equal(sr(&out, NULL, a, NULL, "sync"), 0);
	assert_non_null(strstr(out, "pushed 1 commit"));
	free(out);
	/* ... b gets it, a path as the remote, with no remote of that name */
	assert_int_equal(sr(&out, NULL, b, NULL, "sync '%s'", w.bare), 0);
	assert_non_null(strstr(out, "with anonymous"));
	assert_non_null(strstr(out, "received 1 commit"));
	free(out);
	tip(a, REF, ta);
	tip(b, REF, tb);
	tip(w.bare, REF, tbare);
	assert_string_equal(ta, tbare);
	assert_string_equal(tb, tbare);
	/* The remote's tip is kept under refs/specreview/remote/. */
	tip(a, "refs/specreview/remote/origin", ta);
	assert_string_equal(ta, tbare);
	/* Again: nothing to do; a file:// URL works as well. */
	assert_int_equal(sr(&out, NULL, b, NULL, "sync 'file://%s'", w.bare),
			 0);
	assert_null(strstr(out, "pushed"));
	free(out);
	/* An unknown remote name is an error. */
	assert_int_equal(sr(NULL, &out, a, NULL, "sync nowhere"), 2);
	assert_non_null(strstr(out, "no remote 'nowhere'"));
	free(out);
	free(a);
	free(b);
	world_release(&w);
}

static void test_spec_branches_untouched(void **state)
{
	struct world w;
	struct tr_snapshot before, after;
	char *a, *b, main_before[41], main_after[41];

	(void)state;
	world(&w, 1);
	a = clone(&w, "a");
	b = clone(&w, "b");
	/* An uncommitted edit and a staged file in a's checkout. */
	tr_write(a, "specs/a.md", "edited\n");
	tr_write(a, "new.txt", "staged\n");
	assert_int_equal(git(NULL, NULL, a, "add new.txt"), 0);
	tip(w.bare, "refs/heads/main", main_before);
	sr_ok(b, NULL, "sync"); /* the roles, first */
	sr_ok(b, &REI, "record specs/a.md --decision approve");
	sr_ok(b, NULL, "sync");
	tr_snap(a, &before);
	sr_ok(a, &REI, "record specs/a.md --decision comment --summary x");
	sr_ok(a, NULL, "sync");
	tr_snap(a, &after);
	tr_snap_equal(&before, &after);
	tip(w.bare, "refs/heads/main", main_after);
	assert_string_equal(main_before, main_after);
	/* Only the records branch and our own refs moved in the clone. */
	assert_int_equal(count(a, "git for-each-ref --format='%(refname)' | "
				  "grep -v -e '^refs/heads/specreview/' -e "
				  "'^refs/remotes/' -e '^refs/specreview/' -e "
				  "'^refs/heads/main$' | wc -l"),
			 0);
	assert_int_equal(nrecords(w.bare), 2);
	tr_snap_release(&before);
	tr_snap_release(&after);
	free(a);
	free(b);
	world_release(&w);
}

static void test_replay_keeps_signatures(void **state)
{
	struct world w;
	char *a, *b, *out = NULL, *err = NULL, *allowed, signoff[41];

	(void)state;
	world(&w, 1);
	a = clone(&w, "a");
	b = clone(&w, "b");
	sr_ok(a, NULL, "sync");
	sr_ok(a, &REI, "record specs/a.md --decision approve");
	sr_ok(a, NULL, "sync");
	sr_ok(b, NULL, "sync");
	/* Aki signs off in b while Rei comments in a and pushes first. */
	assert_int_equal(git(NULL, NULL, b,
			     "config gpg.format ssh && git -C '%s' config "
			     "user.signingkey '%s/aki'",
			     b, g_keys),
			 0);
	sr_ok(b, &AKI, "record specs/a.md --decision sign-off");
	sr_ok(a, &REI, "record specs/a.md --decision comment --summary hm");
	sr_ok(a, NULL, "sync");
	/* Only Aki can replay it: the signature must be made again. */
	assert_int_equal(git(NULL, NULL, b, "config --unset user.signingkey"),
			 0);
	assert_int_equal(sr(NULL, &err, b, &REI, "sync"), 1);
	assert_non_null(strstr(err, "is signed by aki@example.com"));
	free(err);
	assert_int_equal(
	    git(NULL, NULL, b, "config user.signingkey '%s/aki'", g_keys), 0);
	/* b's sign-off goes on top of a's comment, signed again. */
	assert_int_equal(sr(&out, NULL, b, &AKI, "sync"), 0);
	assert_non_null(strstr(out, "replayed 1 local commit"));
	free(out);
	assert_int_equal(sr(&out, NULL, w.bare, NULL, "verify"), 0);
	assert_non_null(strstr(out, "1 good signature: ok"));
	free(out);
	tip(w.bare, REF, signoff);
	assert_int_equal(sr(&out, NULL, b, NULL, "roles allowed-signers"), 0);
	allowed = tr_join(w.top, "allowed");
	t_write(allowed, out);
	free(out);
	assert_int_equal(git(NULL, &err, w.bare,
			     "-c gpg.ssh.allowedSignersFile='%s' "
			     "verify-commit %s",
			     allowed, signoff),
			 0);
	assert_non_null(strstr(err, "Good \"git\" signature for "
				    "aki@example.com"));
	free(err);
	free(allowed);
	free(a);
	free(b);
	world_release(&w);
}

static void test_bad_local_history_not_pushed(void **state)
{
	struct world w;
	char *a, *wt, *out = NULL, *err = NULL, before[41], after[41], *f;

	(void)state;
	world(&w, 1);
	a = clone(&w, "a");
	sr_ok(a, NULL, "sync");
	sr_ok(a, &REI, "record specs/a.md --decision approve");
	sr_ok(a, NULL, "sync");
	tip(w.bare, REF, before);
	/* Somebody edits the record in a's records branch with git. */
	wt = at(&w, "wt");
	assert_int_equal(git(NULL, NULL, a, "worktree add -q '%s' " BRANCH, wt),
			 0);
	assert_int_equal(
	    t_run(&f, NULL, "cd '%s' && ls records/specs/a.md/*.yaml", wt), 0);
	f[strcspn(f, "\n")] = '\0';
	assert_int_equal(t_run(NULL, NULL,
			       "cd '%s' && sed -i -e 's/approve/request-"
			       "changes/' '%s' && git -c user.name=R -c "
			       "user.email=rei@example.com commit -q -am x",
			       wt, f),
			 0);
	assert_int_equal(sr(&out, &err, a, NULL, "sync"), 1);
	assert_non_null(strstr(err, "modifies a record"));
	assert_non_null(strstr(err, "nothing was pushed"));
	free(out);
	free(err);
	tip(w.bare, REF, after);
	assert_string_equal(before, after);
	free(f);
	free(wt);
	free(a);
	world_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_push_and_first_fetch),
	    cmocka_unit_test(test_spec_branches_untouched),
	    cmocka_unit_test(test_replay_keeps_signatures),
	    cmocka_unit_test(test_bad_local_history_not_pushed),
	    cmocka_unit_test(test_three_clones_concurrently),
	};
	int ret;

	git_libgit2_init();
	g_home = t_mkdtemp();
	tr_isolate(g_home);
	snprintf(g_keys, sizeof(g_keys), "%s/keys", g_home);
	if (t_run(NULL, NULL,
		  "mkdir -p '%s' && ssh-keygen -q -t ed25519 -N '' -C aki "
		  "-f '%s/aki'",
		  g_keys, g_keys) != 0) {
		fprintf(stderr, "test_sync: ssh-keygen failed (apt-get "
				"install openssh-client)\n");
		return 1;
	}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	t_rm_rf(g_home);
	free(g_home);
	git_libgit2_shutdown();
	return ret;
}
