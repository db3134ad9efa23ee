/*
 * test_verify.c - the trust features as an attacker meets them: signed
 * sign-offs that `git verify-commit` accepts, and tampered records
 * branches that `specreview verify` reports precisely (commit, file,
 * kind) and that contrib/pre-receive, installed in a bare repository,
 * refuses when they are pushed with the `git` program.
 *
 * Every test starts from the same history (fixture()): roles (Ada admin,
 * Rei reviewer, Aki adviser with an SSH key), Rei's approval of
 * specs/a.md, Aki's signed sign-off of it, Rei's comment on specs/b.md,
 * pushed through the hook to a bare repository, and a clone of it in
 * which the attacker works.  HOME is an empty directory; throwaway
 * ed25519 keys are made there with ssh-keygen.
 */
#include "testutil.h"
#include "testrepo.h"
#include "jsonv.h"

#include "error.h"
#include "sshsig.h"
#include "strbuf.h"
#include "workflow.h"

#define BRANCH "specreview/records"
#define REF    "refs/heads/" BRANCH

static char *g_home;
static char g_keys[4200];

struct person {
	const char *name, *email, *key; /* key: a file in g_keys, or NULL */
};

static const struct person ADA = {"Ada Admin", "ada@example.com", NULL};
static const struct person REI = {"Rei Reviewer", "rei@example.com", NULL};
static const struct person AKI = {"Aki Adviser", "aki@example.com", "aki"};
/* Eve is nobody in roles.yaml; she has a key of her own. */
static const struct person EVE = {"Eve", "eve@example.com", "eve"};

static const char SPEC_A[] = "# A\n\nThe contractor shall keep information "
			     "confidential.\n";
static const char SPEC_B[] = "# B\n\nThe contractor shall accept an audit.\n";

/* ---- running things ------------------------------------------------------ */

/* The identity part of a person (NULL for none), for tr_sr(). */
static const struct tr_person *id_of(const struct person *p)
{
	static struct tr_person id;

	if (!p)
		return NULL;
	id.name = p->name;
	id.email = p->email;
	return &id;
}

#define git tr_git
#define sr(out, err, dir, who, ...) \
	tr_sr(out, err, dir, id_of(who), 0, __VA_ARGS__)

/* `git commit` (or anything) as `who`, author and committer. */
static int git_as(const struct person *who, const char *dir, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
static int git_as(const struct person *who, const char *dir, const char *fmt,
		  ...)
{
	char args[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return t_run(NULL, NULL,
		     "git -C '%s' -c user.name='%s' -c user.email='%s' %s", dir,
		     who->name, who->email, args);
}

static void sr_ok(const char *dir, const struct person *who, const char *args)
{
	char *err = NULL;
	int st = sr(NULL, &err, dir, who, "%s", args);

	if (st != 0)
		fail_msg("specreview %s: %d %s", args, st, err);
	free(err);
}

/* The user's signing key in `dir`'s config: `who`'s, or none. */
static void signing_key(const char *dir, const struct person *who)
{
	if (who && who->key) {
		assert_int_equal(git(NULL, NULL, dir, "config gpg.format ssh"),
				 0);
		assert_int_equal(git(NULL, NULL, dir,
				     "config user.signingkey '%s/%s'", g_keys,
				     who->key),
				 0);
	} else {
		git(NULL, NULL, dir, "config --unset user.signingkey");
	}
}

static void rev(const char *dir, const char *what, char out[41])
{
	char *s = NULL;

	assert_int_equal(git(&s, NULL, dir, "rev-parse '%s'", what), 0);
	snprintf(out, 41, "%.40s", s);
	free(s);
}

/* The one file `git ls-tree` lists under records/ matching `glob`. */
static void record_file(const char *dir, const char *glob, char *out, size_t n)
{
	char *s = NULL;

	assert_int_equal(t_run(&s, NULL,
			       "git -C '%s' ls-tree -r --name-only HEAD "
			       "records | grep -e '%s' | head -1",
			       dir, glob),
			 0);
	s[strcspn(s, "\n")] = '\0';
	assert_true(*s);
	snprintf(out, n, "%s", s);
	free(s);
}

static void rm_dir(char *dir)
{
	t_rm_rf(dir);
	free(dir);
}

/* ---- the history every test starts from --------------------------------- */

struct fixture {
	char *dir;  /* the reviewers' repository */
	char *bare; /* the server, with contrib/pre-receive */
	char *tw;   /* the attacker's clone, on the records branch */
	char tip[41];
};

static void install_hook(const char *bare)
{
	assert_int_equal(t_run(NULL, NULL,
			       "cp '%s' '%s/hooks/pre-receive' && "
			       "chmod +x '%s/hooks/pre-receive'",
			       t_src("contrib/pre-receive"), bare, bare),
			 0);
	assert_int_equal(
	    git(NULL, NULL, bare, "config specreview.program '%s'", t_prog()),
	    0);
}

static void fixture(struct fixture *fx)
{
	char *err = NULL;

	memset(fx, 0, sizeof(*fx));
	fx->dir = t_mkdtemp();
	assert_int_equal(git(NULL, NULL, fx->dir, "init -q -b main"), 0);
	tr_write(fx->dir, "specs/a.md", SPEC_A);
	tr_write(fx->dir, "specs/b.md", SPEC_B);
	assert_int_equal(git(NULL, NULL, fx->dir, "add -A"), 0);
	assert_int_equal(git_as(&ADA, fx->dir, "commit -q -m specs"), 0);
	sr_ok(fx->dir, &ADA, "roles add reviewer rei@example.com");
	{
		char args[4400];

		snprintf(args, sizeof(args),
			 "roles add adviser aki@example.com --key '%s/aki.pub'",
			 g_keys);
		sr_ok(fx->dir, &ADA, args);
	}
	sr_ok(fx->dir, &REI, "record specs/a.md --decision approve");
	signing_key(fx->dir, &AKI);
	sr_ok(fx->dir, &AKI, "record specs/a.md --decision sign-off");
	signing_key(fx->dir, NULL);
	sr_ok(fx->dir, &REI,
	      "record specs/b.md --decision comment --summary hello");

	fx->bare = t_mkdtemp();
	assert_int_equal(git(NULL, NULL, fx->bare, "init -q --bare -b main"),
			 0);
	install_hook(fx->bare);
	/* A good history passes the hook. */
	if (git(NULL, &err, fx->dir, "push -q '%s' main " BRANCH, fx->bare))
		fail_msg("good push refused: %s", err);
	free(err);
	rev(fx->bare, REF, fx->tip);

	fx->tw = t_mkdtemp();
	assert_int_equal(
	    t_run(NULL, NULL, "git clone -q '%s' '%s/c'", fx->bare, fx->tw), 0);
	{
		char *c = tr_join(fx->tw, "c");

		free(fx->tw);
		fx->tw = c;
	}
	assert_int_equal(git(NULL, NULL, fx->tw, "checkout -q " BRANCH), 0);
}

static void fixture_release(struct fixture *fx)
{
	rm_dir(fx->dir);
	rm_dir(fx->bare);
	/* fx->tw is inside a directory of its own. */
	*strrchr(fx->tw, '/') = '\0';
	rm_dir(fx->tw);
}

/*
 * Pushes the attacker's branch (forced when `force`) and expects the hook
 * to refuse it with `why` among its messages, leaving the server as it
 * was.
 */
static void push_refused(struct fixture *fx, int force, const char *why)
{
	char *err = NULL, now[41];

	assert_int_not_equal(git(NULL, &err, fx->tw, "push %s origin " BRANCH,
				 force ? "--force" : ""),
			     0);
	if (!strstr(err, "pre-receive hook declined") || !strstr(err, why))
		fail_msg("push not refused as expected (%s): %s", why, err);
	free(err);
	rev(fx->bare, REF, now);
	assert_string_equal(now, fx->tip);
}

/*
 * Runs verify in the attacker's clone and expects exit 1 with a line
 * "<commit> <path>...[<kind>]" containing `text`.
 */
static void verify_reports(const char *dir, const char *args,
			   const char *commit, const char *path,
			   const char *kind, const char *text)
{
	char *out = NULL, *err = NULL, want[512];
	const char *line;
	int found = 0;

	assert_int_equal(sr(&out, &err, dir, NULL, "verify %s", args), 1);
	snprintf(want, sizeof(want), "%.12s %s", commit, path ? path : "");
	for (line = out; *line; line = strchr(line, '\n') + 1) {
		size_t n = strcspn(line, "\n");
		char buf[2048], tag[64];

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		snprintf(tag, sizeof(tag), "[%s]", kind);
		if (!strncmp(buf, want, strlen(want)) && strstr(buf, tag) &&
		    (!text || strstr(buf, text)))
			found = 1;
		if (!line[n])
			break;
	}
	if (!found)
		fail_msg("verify did not report %s %s [%s] %s:\n%s%s", commit,
			 path, kind, text ? text : "", out, err);
	free(out);
	free(err);
}

/* A record file's text, with sed expressions applied. */
static void copy_record(const char *dir, const char *from, const char *to,
			const char *sed)
{
	char *slash, *todir = tr_join(dir, to);

	slash = strrchr(todir, '/');
	*slash = '\0';
	assert_int_equal(t_run(NULL, NULL,
			       "mkdir -p '%s' && sed -e '%s' '%s/%s' > '%s/%s'",
			       todir, sed, dir, from, dir, to),
			 0);
	free(todir);
}

/* ---- keys in roles.yaml ------------------------------------------------- */

#define KEY_A "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGpnWfh6ouTe09Za52VV0mhw aki"

static void test_roles_keys_round_trip(void **state)
{
	static const char yaml[] =
	    "version: 1\n"
	    "require_signatures: true\n"
	    "people:\n"
	    "  - email: \"aki@example.com\"\n"
	    "    roles: [adviser]\n"
	    "    keys:\n"
	    "      - key: \"" KEY_A "\"\n"
	    "        valid_after: \"2026-01-01T00:00:00Z\"\n"
	    "        valid_before: \"2027-01-01T00:00:00Z\"\n";
	struct sr_error err = SR_ERROR_INIT;
	struct roles r = ROLES_INIT, again = ROLES_INIT;
	struct strbuf out = STRBUF_INIT, allowed = STRBUF_INIT;

	(void)state;
	assert_int_equal(
	    roles_parse(&r, yaml, strlen(yaml), "roles.yaml", &err), 0);
	assert_int_equal(r.npeople, 1);
	assert_int_equal(r.people[0].nkeys, 1);
	assert_string_equal(r.people[0].keys[0].key, KEY_A);
	assert_true(r.people[0].keys[0].valid_after == 1767225600);
	assert_true(r.people[0].keys[0].valid_before == 1798761600);
	/* Written back the same, byte for byte. */
	assert_int_equal(roles_emit(&r, &out), 0);
	assert_string_equal(out.buf, yaml);
	assert_int_equal(
	    roles_parse(&again, out.buf, out.len, "roles.yaml", &err), 0);
	/* git's allowed-signers format, times in UTC. */
	assert_int_equal(sshsig_allowed_signers(&r, &allowed), 0);
	assert_string_equal(allowed.buf,
			    "aki@example.com namespaces=\"git\","
			    "valid-after=\"20260101000000Z\","
			    "valid-before=\"20270101000000Z\" " KEY_A "\n");
	/* Adding the same key (another comment) changes nothing. */
	assert_int_equal(roles_add_key(&r, "AKI@example.com",
				       "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA"
				       "IGpnWfh6ouTe09Za52VV0mhw laptop",
				       &err),
			 0);
	assert_int_equal(r.people[0].nkeys, 1);
	/* A new person, with a key and no role. */
	assert_int_equal(roles_add_key(&r, "rei@example.com", KEY_A, &err), 0);
	assert_int_equal(r.npeople, 2);
	assert_int_equal(r.people[1].roles, 0);
	strbuf_reset(&out);
	assert_int_equal(roles_emit(&r, &out), 0);
	assert_non_null(strstr(out.buf, "  - email: \"rei@example.com\"\n"
					"    roles: []\n"
					"    keys:\n"));
	assert_int_equal(
	    roles_add_key(&r, "rei@example.com", "not a key", &err), SR_EINVAL);
	assert_int_equal(err.n, 1);
	assert_non_null(strstr(err.diags[0].msg, "not an SSH public key"));
	sr_error_release(&err);
	strbuf_release(&out);
	strbuf_release(&allowed);
	roles_release(&r);
	roles_release(&again);
}

static void test_roles_keys_errors(void **state)
{
	static const char yaml[] =
	    "version: 1\n"
	    "people:\n"
	    "  - email: aki@example.com\n"
	    "    roles: [adviser]\n"
	    "    keys:\n"
	    "      - key: \"-----BEGIN OPENSSH PRIVATE KEY-----\"\n"
	    "      - key: \"" KEY_A "\"\n"
	    "        valid_after: 2026-01-01\n"
	    "      - key: \"" KEY_A "\"\n"
	    "        valid_after: \"2027-01-01T00:00:00Z\"\n"
	    "        valid_before: \"2026-01-01T00:00:00Z\"\n"
	    "      - kee: x\n";
	struct sr_error err = SR_ERROR_INIT;
	struct roles r = ROLES_INIT;
	struct strbuf all = STRBUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(
	    roles_parse(&r, yaml, strlen(yaml), "roles.yaml", &err), SR_EPARSE);
	for (i = 0; i < err.n; i++) {
		sr_diag_format(&all, &err.diags[i]);
		strbuf_addch(&all, '\n');
	}
	assert_non_null(strstr(all.buf, "roles.yaml:6:14: invalid SSH public "
					"key"));
	assert_non_null(strstr(all.buf, "roles.yaml:8:22: invalid time "
					"'2026-01-01'"));
	assert_non_null(strstr(all.buf, "roles.yaml:9:14: duplicate key"));
	assert_non_null(strstr(all.buf, "roles.yaml:11:23: valid_before is "
					"not after valid_after"));
	assert_non_null(strstr(all.buf, "roles.yaml:12:9: unknown key 'kee'"));
	assert_int_equal(r.npeople, 0);
	strbuf_release(&all);
	sr_error_release(&err);
}

/* ---- signatures -----------------------------------------------------------
 */

static void test_signed_sign_off_accepted_by_git(void **state)
{
	struct fixture fx;
	char *out = NULL, *err = NULL, *allowed = NULL, aki[41];

	(void)state;
	fixture(&fx);
	/* The sign-off commit is SSH-signed, in git's own header. */
	rev(fx.dir, REF "~1", aki);
	assert_int_equal(git(&out, NULL, fx.dir, "cat-file -p %s", aki), 0);
	assert_non_null(strstr(out, "\ngpgsig -----BEGIN SSH SIGNATURE-----"));
	assert_non_null(strstr(out, "\nauthor Aki Adviser <aki@example.com>"));
	free(out);
	/* git itself accepts it against the keys of roles.yaml ... */
	assert_int_equal(sr(&out, NULL, fx.dir, NULL, "roles allowed-signers"),
			 0);
	assert_non_null(strstr(out, "aki@example.com namespaces=\"git\" "
				    "ssh-ed25519 AAAA"));
	allowed = tr_join(g_home, "allowed_signers");
	t_write(allowed, out);
	free(out);
	assert_int_equal(git(&out, &err, fx.dir,
			     "-c gpg.ssh.allowedSignersFile='%s' verify-commit "
			     "%s",
			     allowed, aki),
			 0);
	assert_non_null(strstr(err, "Good \"git\" signature for "
				    "aki@example.com with ED25519 key"));
	free(out);
	free(err);
	/* ... and refuses an unsigned one. */
	assert_int_not_equal(git(NULL, NULL, fx.dir,
				 "-c gpg.ssh.allowedSignersFile='%s' "
				 "verify-commit " REF,
				 allowed),
			     0);
	/* verify counts the good signature, finds nothing wrong. */
	assert_int_equal(sr(&out, NULL, fx.dir, NULL, "verify"), 0);
	assert_non_null(strstr(out, ": 5 commits, 3 records, 1 good "
				    "signature: ok\n"));
	free(out);
	assert_int_equal(sr(&out, NULL, fx.dir, NULL, "verify --format json"),
			 0);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"ok\":true,\"violations\":[]"));
	free(out);
	free(allowed);
	fixture_release(&fx);
}

static void test_sign_off_needs_the_listed_key(void **state)
{
	struct fixture fx;
	char *err = NULL, before[41], after[41];

	(void)state;
	fixture(&fx);
	sr_ok(fx.dir, &REI, "record specs/b.md --decision approve");
	rev(fx.dir, REF, before);
	/* No key configured: refused, nothing committed. */
	assert_int_equal(sr(NULL, &err, fx.dir, &AKI,
			    "record specs/b.md --decision sign-off"),
			 1);
	assert_non_null(strstr(err, "must be signed"));
	assert_non_null(strstr(err, "user.signingkey"));
	free(err);
	/* Somebody else's key: refused before committing. */
	signing_key(fx.dir, &EVE);
	assert_int_equal(sr(NULL, &err, fx.dir, &AKI,
			    "record specs/b.md --decision sign-off"),
			 1);
	assert_non_null(strstr(err, "roles.yaml lists no such key for "
				    "aki@example.com"));
	free(err);
	rev(fx.dir, REF, after);
	assert_string_equal(before, after);
	/* Aki's own key: signed and verified. */
	signing_key(fx.dir, &AKI);
	sr_ok(fx.dir, &AKI, "record specs/b.md --decision sign-off");
	assert_int_equal(sr(NULL, NULL, fx.dir, NULL, "verify"), 0);
	fixture_release(&fx);
}

/* ---- tampering ------------------------------------------------------------
 */

static void test_forged_author(void **state)
{
	struct fixture fx;
	char rec[512], c[41];

	(void)state;
	fixture(&fx);
	/* Rei commits a comment whose `who` says Aki. */
	record_file(fx.tw, "specs/b.md/.*-reviewer-rei", rec, sizeof(rec));
	copy_record(fx.tw, rec,
		    "records/specs/b.md/20990101T000000Z-author-aki.yaml",
		    "s/Rei Reviewer/Aki Adviser/; s/rei@/aki@/; "
		    "s/^time: .*/time: \"2099-01-01T00:00:00Z\"/; "
		    "s/^role: .*/role: author/");
	assert_int_equal(git(NULL, NULL, fx.tw, "add -A"), 0);
	assert_int_equal(git_as(&REI, fx.tw, "commit -q -m forged"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c,
		       "records/specs/b.md/20990101T000000Z-author-aki.yaml",
		       "author",
		       "the record is by Aki Adviser <aki@example.com>, but "
		       "the commit's author is Rei Reviewer <rei@example.com>");
	push_refused(&fx, 0, "[author]");

	/* The commit's author forged too: Aki's sign-off is unsigned. */
	assert_int_equal(git(NULL, NULL, fx.tw, "reset -q --hard HEAD~1"), 0);
	record_file(fx.tw, "specs/a.md/.*-adviser-aki", rec, sizeof(rec));
	copy_record(fx.tw, rec,
		    "records/specs/a.md/20990101T000000Z-adviser-aki.yaml",
		    "s/^time: .*/time: \"2099-01-01T00:00:00Z\"/");
	assert_int_equal(git(NULL, NULL, fx.tw, "add -A"), 0);
	assert_int_equal(git_as(&AKI, fx.tw, "commit -q -m forged"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c,
		       "records/specs/a.md/20990101T000000Z-adviser-aki.yaml",
		       "unsigned",
		       "the sign-off is not signed; roles.yaml lists SSH "
		       "keys for aki@example.com");
	push_refused(&fx, 0, "[unsigned]");
	fixture_release(&fx);
}

static void test_old_record_edited(void **state)
{
	struct fixture fx;
	char rec[512], c[41], range[100];

	(void)state;
	fixture(&fx);
	/* Edited in a new commit: a fast-forward that modifies a record. */
	record_file(fx.tw, "specs/a.md/.*-reviewer-rei", rec, sizeof(rec));
	assert_int_equal(t_run(NULL, NULL,
			       "sed -i -e 's/decision: approve/decision: "
			       "request-changes/' '%s/%s'",
			       fx.tw, rec),
			 0);
	assert_int_equal(git_as(&REI, fx.tw, "commit -q -am edit"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c, rec, "modified", "modifies a record");
	push_refused(&fx, 0, "[modified]");

	/* Edited in history: the last commit amended, force-pushed. */
	assert_int_equal(git(NULL, NULL, fx.tw, "reset -q --hard HEAD~1"), 0);
	record_file(fx.tw, "specs/b.md/.*-reviewer-rei", rec, sizeof(rec));
	assert_int_equal(t_run(NULL, NULL,
			       "sed -i -e 's/hello/goodbye/' '%s/%s'", fx.tw,
			       rec),
			 0);
	assert_int_equal(git_as(&REI, fx.tw, "commit -q -a --amend -m edit"),
			 0);
	rev(fx.tw, "HEAD", c);
	snprintf(range, sizeof(range), "--range %s..%s", fx.tip, c);
	verify_reports(fx.tw, range, c, NULL, "history", "not a fast-forward");
	verify_reports(fx.tw, range, c, rec, "history",
		       "the record was changed by the rewrite");
	push_refused(&fx, 1, "non-fast-forward update refused");
	fixture_release(&fx);
}

static void test_deleted_record(void **state)
{
	struct fixture fx;
	char rec[512], c[41];

	(void)state;
	fixture(&fx);
	record_file(fx.tw, "specs/a.md/.*-adviser-aki", rec, sizeof(rec));
	assert_int_equal(git(NULL, NULL, fx.tw, "rm -q '%s'", rec), 0);
	assert_int_equal(git_as(&ADA, fx.tw, "commit -q -m oops"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c, rec, "deleted", "deletes a record");
	push_refused(&fx, 0, "[deleted]");
	/* Deleting the whole branch is refused too. */
	{
		char *err = NULL;

		assert_int_not_equal(
		    git(NULL, &err, fx.tw, "push origin :" BRANCH), 0);
		assert_non_null(strstr(err, "deleting the records branch is "
					    "refused"));
		free(err);
	}
	fixture_release(&fx);
}

static void test_sign_off_by_non_adviser(void **state)
{
	struct fixture fx;
	char rec[512], c[41];

	(void)state;
	fixture(&fx);
	record_file(fx.tw, "specs/a.md/.*-adviser-aki", rec, sizeof(rec));
	copy_record(fx.tw, rec,
		    "records/specs/a.md/20990101T000000Z-adviser-rei.yaml",
		    "s/Aki Adviser/Rei Reviewer/; s/aki@/rei@/; "
		    "s/^time: .*/time: \"2099-01-01T00:00:00Z\"/");
	assert_int_equal(git(NULL, NULL, fx.tw, "add -A"), 0);
	assert_int_equal(git_as(&REI, fx.tw, "commit -q -m signoff"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c,
		       "records/specs/a.md/20990101T000000Z-adviser-rei.yaml",
		       "role",
		       "sign-off needs the adviser role; rei@example.com has: "
		       "reviewer (advisers: aki@example.com)");
	push_refused(&fx, 0, "[role]");
	fixture_release(&fx);
}

static void test_signature_by_unknown_key(void **state)
{
	struct fixture fx;
	char rec[512], c[41];

	(void)state;
	fixture(&fx);
	/* Eve signs a sign-off in Aki's name with her own key. */
	record_file(fx.tw, "specs/a.md/.*-adviser-aki", rec, sizeof(rec));
	copy_record(fx.tw, rec,
		    "records/specs/a.md/20990101T000000Z-adviser-aki.yaml",
		    "s/^time: .*/time: \"2099-01-01T00:00:00Z\"/");
	assert_int_equal(git(NULL, NULL, fx.tw, "add -A"), 0);
	assert_int_equal(git_as(&AKI, fx.tw,
				"-c gpg.format=ssh -c user.signingkey='%s/eve' "
				"commit -q -S -m signoff",
				g_keys),
			 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c,
		       "records/specs/a.md/20990101T000000Z-adviser-aki.yaml",
		       "signature",
		       "which is not a key roles.yaml lists for "
		       "aki@example.com");
	push_refused(&fx, 0, "[signature]");
	fixture_release(&fx);
}

static void test_record_replayed_onto_another_spec(void **state)
{
	struct fixture fx;
	char rec[512], c[41], *base;
	char moved[600];

	(void)state;
	fixture(&fx);
	/* Rei's approval of a.md, filed under b.md as it is. */
	record_file(fx.tw, "specs/a.md/.*-reviewer-rei", rec, sizeof(rec));
	/* (-2: Rei's comment on b.md may have been made the same second) */
	base = strrchr(rec, '/') + 1;
	snprintf(moved, sizeof(moved), "records/specs/b.md/%.*s-2.yaml",
		 (int)(strlen(base) - 5), base);
	copy_record(fx.tw, rec, moved, "s/x/x/");
	assert_int_equal(git(NULL, NULL, fx.tw, "add -A"), 0);
	assert_int_equal(git_as(&REI, fx.tw, "commit -q -m replay"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c, moved, "path",
		       "a record of specs/a.md filed under "
		       "records/specs/b.md");
	push_refused(&fx, 0, "[path]");

	/* Its spec changed too: the blob it names is not b.md's. */
	assert_int_equal(git(NULL, NULL, fx.tw, "reset -q --hard HEAD~1"), 0);
	copy_record(fx.tw, rec, moved, "s/^spec: .*/spec: \"specs\\/b.md\"/");
	assert_int_equal(git(NULL, NULL, fx.tw, "add -A"), 0);
	assert_int_equal(git_as(&REI, fx.tw, "commit -q -m replay"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c, moved, "spec",
		       "specs/b.md at spec_commit");
	push_refused(&fx, 0, "not the record's spec_blob");
	fixture_release(&fx);
}

/* ---- roles -----------------------------------------------------------------
 */

static void test_roles_changed_by_non_admin(void **state)
{
	struct fixture fx;
	char c[41];

	(void)state;
	fixture(&fx);
	/* Rei makes herself an adviser. */
	assert_int_equal(t_run(NULL, NULL,
			       "sed -i -e 's/roles: \\[reviewer\\]/roles: "
			       "[reviewer, adviser]/' '%s/roles.yaml'",
			       fx.tw),
			 0);
	assert_int_equal(git_as(&REI, fx.tw, "commit -q -am promote"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c, "roles.yaml", "roles",
		       "changing roles needs the admin role; "
		       "rei@example.com was not an admin (admins: "
		       "ada@example.com)");
	push_refused(&fx, 0, "[roles]");
	fixture_release(&fx);
}

static void test_require_signatures(void **state)
{
	struct fixture fx;
	struct person ada = ADA, rei = REI;
	char *out = NULL, *err = NULL, c[41], rec[512];

	(void)state;
	ada.key = "ada";
	rei.key = "rei";
	fixture(&fx);
	/* Not before the admin has a key: nobody could change roles after. */
	assert_int_equal(
	    sr(NULL, &err, fx.dir, &ADA, "roles require-signatures on"), 1);
	assert_non_null(strstr(err, "SSH key"));
	free(err);
	{
		char args[4400];

		snprintf(args, sizeof(args),
			 "roles add admin ada@example.com --key '%s/ada.pub'",
			 g_keys);
		sr_ok(fx.dir, &ADA, args);
	}
	signing_key(fx.dir, &ada);
	sr_ok(fx.dir, &ADA, "roles require-signatures on");
	/* Rei has no key: her records are refused now. */
	signing_key(fx.dir, NULL);
	assert_int_equal(sr(NULL, &err, fx.dir, &REI,
			    "record specs/b.md --decision comment "
			    "--summary again"),
			 1);
	assert_non_null(strstr(err, "lists no SSH key for rei@example.com"));
	free(err);
	/* Ada gives her one (signed, as required); then Rei signs. */
	{
		char args[4400];

		snprintf(args, sizeof(args),
			 "roles add reviewer rei@example.com --key "
			 "'%s/rei.pub'",
			 g_keys);
		signing_key(fx.dir, &ada);
		sr_ok(fx.dir, &ADA, args);
	}
	signing_key(fx.dir, &rei);
	sr_ok(fx.dir, &REI,
	      "record specs/b.md --decision comment --summary ok");
	assert_int_equal(sr(&out, NULL, fx.dir, NULL, "verify"), 0);
	assert_non_null(strstr(out, "4 good signatures: ok"));
	free(out);
	assert_int_equal(
	    git(NULL, NULL, fx.dir, "push -q '%s' " BRANCH, fx.bare), 0);
	rev(fx.bare, REF, fx.tip);

	/* An unsigned comment committed with git is a violation. */
	assert_int_equal(git(NULL, NULL, fx.tw, "pull -q --ff-only"), 0);
	assert_int_equal(sr(&out, NULL, fx.tw, NULL, "roles list"), 0);
	assert_non_null(strstr(out, "(signatures required)"));
	free(out);
	record_file(fx.tw, "specs/b.md/.*-reviewer-rei", rec, sizeof(rec));
	copy_record(fx.tw, rec,
		    "records/specs/b.md/20990101T000000Z-reviewer-rei.yaml",
		    "s/^time: .*/time: \"2099-01-01T00:00:00Z\"/");
	assert_int_equal(git(NULL, NULL, fx.tw, "add -A"), 0);
	assert_int_equal(git_as(&REI, fx.tw, "commit -q -m unsigned"), 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c,
		       "records/specs/b.md/20990101T000000Z-reviewer-rei.yaml",
		       "unsigned", "require_signatures: true");
	push_refused(&fx, 0, "[unsigned]");
	fixture_release(&fx);
}

static void test_expired_key(void **state)
{
	struct fixture fx;
	char c[41];

	(void)state;
	fixture(&fx);
	/* Ada ends Aki's key in 2020: the sign-off made later is not his. */
	assert_int_equal(t_run(NULL, NULL,
			       "sed -i -e '/- key:/a\\        valid_before: "
			       "\"2020-01-01T00:00:00Z\"' '%s/roles.yaml'",
			       fx.tw),
			 0);
	assert_int_equal(git_as(&ADA, fx.tw, "commit -q -am expire"), 0);
	assert_int_equal(sr(NULL, NULL, fx.tw, NULL, "verify"), 0);
	/* A new signed sign-off by Aki, after the key's end. */
	{
		char rec[512];

		record_file(fx.tw, "specs/a.md/.*-adviser-aki", rec,
			    sizeof(rec));
		copy_record(fx.tw, rec,
			    "records/specs/a.md/20990101T000000Z-adviser-"
			    "aki.yaml",
			    "s/^time: .*/time: \"2099-01-01T00:00:00Z\"/");
	}
	assert_int_equal(git(NULL, NULL, fx.tw, "add -A"), 0);
	assert_int_equal(git_as(&AKI, fx.tw,
				"-c gpg.format=ssh -c user.signingkey='%s/aki' "
				"commit -q -S -m signoff",
				g_keys),
			 0);
	rev(fx.tw, "HEAD", c);
	verify_reports(fx.tw, "", c,
		       "records/specs/a.md/20990101T000000Z-adviser-aki.yaml",
		       "signature", "expired");
	fixture_release(&fx);
}

static void test_verify_errors(void **state)
{
	struct fixture fx;
	char *out = NULL, *err = NULL;

	(void)state;
	fixture(&fx);
	assert_int_equal(
	    sr(&out, &err, fx.dir, NULL, "verify --range nope..HEAD"), 2);
	assert_non_null(strstr(err, "unknown revision 'nope'"));
	free(out);
	free(err);
	assert_int_equal(sr(NULL, NULL, fx.dir, NULL, "verify --range HEAD"),
			 2);
	/* A repository without records is clean. */
	{
		char *d = t_mkdtemp();

		assert_int_equal(git(NULL, NULL, d, "init -q -b main"), 0);
		assert_int_equal(sr(&out, NULL, d, NULL, "verify"), 0);
		assert_non_null(strstr(out, "0 commits"));
		free(out);
		rm_dir(d);
	}
	fixture_release(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roles_keys_round_trip),
	    cmocka_unit_test(test_roles_keys_errors),
	    cmocka_unit_test(test_signed_sign_off_accepted_by_git),
	    cmocka_unit_test(test_sign_off_needs_the_listed_key),
	    cmocka_unit_test(test_forged_author),
	    cmocka_unit_test(test_old_record_edited),
	    cmocka_unit_test(test_deleted_record),
	    cmocka_unit_test(test_sign_off_by_non_adviser),
	    cmocka_unit_test(test_signature_by_unknown_key),
	    cmocka_unit_test(test_record_replayed_onto_another_spec),
	    cmocka_unit_test(test_roles_changed_by_non_admin),
	    cmocka_unit_test(test_require_signatures),
	    cmocka_unit_test(test_expired_key),
	    cmocka_unit_test(test_verify_errors),
	};
	const char *names[] = {"aki", "rei", "eve", "ada"};
	size_t i;
	int ret;

	git_libgit2_init();
	g_home = t_mkdtemp();
	tr_isolate(g_home);
	snprintf(g_keys, sizeof(g_keys), "%s/keys", g_home);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (t_run(NULL, NULL,
			  "mkdir -p '%s' && ssh-keygen -q -t ed25519 -N '' "
			  "-C %s -f '%s/%s'",
			  g_keys, names[i], g_keys, names[i]) != 0) {
			fprintf(stderr, "test_verify: ssh-keygen failed "
					"(apt-get install openssh-client)\n");
			return 1;
		}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	t_rm_rf(g_home);
	free(g_home);
	git_libgit2_shutdown();
	return ret;
}
