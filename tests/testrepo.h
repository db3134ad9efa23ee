/*
 * testrepo.h - helpers for tests that need git repositories (header-only,
 * static inline): building repositories and commits with libgit2, the
 * identity a test acts as, an environment that keeps the user's own git
 * configuration out, and a snapshot of a checkout (index, HEAD, status)
 * to prove that something left it alone.  Include after testutil.h.
 */
#ifndef SR_TESTREPO_H
#define SR_TESTREPO_H

#include <git2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Someone a test acts as through the program. */
struct tr_person {
	const char *name, *email;
};

/* Runs `git ARGS` in `dir`; its exit status. */
static inline int tr_git(char **out, char **err, const char *dir,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static inline int tr_git(char **out, char **err, const char *dir,
			 const char *fmt, ...)
{
	char args[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return t_run(out, err, "git -C '%s' %s", dir, args);
}

/*
 * Runs `specreview ARGS` in `dir` as `who` (NULL: nobody) at `when` (0:
 * now); its exit status.
 */
static inline int tr_sr(char **out, char **err, const char *dir,
			const struct tr_person *who, int64_t when,
			const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static inline int tr_sr(char **out, char **err, const char *dir,
			const struct tr_person *who, int64_t when,
			const char *fmt, ...)
{
	char args[4096], env[512] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (who)
		snprintf(env, sizeof(env),
			 "GIT_AUTHOR_NAME='%s' GIT_AUTHOR_EMAIL='%s' ",
			 who->name, who->email);
	if (who && when)
		snprintf(env + strlen(env), sizeof(env) - strlen(env),
			 "GIT_AUTHOR_DATE='@%lld +0000' ", (long long)when);
	return t_run(out, err, "cd '%s' && %s'%s' %s", dir, env, t_prog(),
		     args);
}

static inline void tr_gitok(int g)
{
	if (g < 0) {
		const git_error *e = git_error_last();

		fail_msg("libgit2: %d %s", g, e ? e->message : "");
	}
}

/* A new repository (HEAD on "main") in `dir`. */
static inline git_repository *tr_mkrepo(const char *dir, int bare)
{
	git_repository_init_options o;
	git_repository *r = NULL;

	tr_gitok(git_repository_init_options_init(
	    &o, GIT_REPOSITORY_INIT_OPTIONS_VERSION));
	o.flags =
	    GIT_REPOSITORY_INIT_MKPATH | (bare ? GIT_REPOSITORY_INIT_BARE : 0);
	o.initial_head = "main";
	tr_gitok(git_repository_init_ext(&r, dir, &o));
	return r;
}

struct tr_file {
	const char *path, *data;
};

/* Commit times: one minute apart, so that commits are ordered. */
static int64_t tr_clock = 1764100000;

/*
 * Commits a tree made of exactly `files` onto `ref` ("HEAD" or a full
 * ref name; its tip, if any, is the parent).  `out` may be NULL.
 */
static inline void tr_commit(git_repository *r, const char *ref,
			     const struct tr_file *files, size_t n,
			     const char *msg, git_oid *out)
{
	git_index *idx = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	const git_commit *parents[1];
	git_oid tid, pid, cid;
	size_t i;

	tr_gitok(git_index_new(&idx));
	for (i = 0; i < n; i++) {
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.path = files[i].path;
		e.mode = GIT_FILEMODE_BLOB;
		tr_gitok(git_blob_create_from_buffer(
		    &e.id, r, files[i].data, strlen(files[i].data)));
		tr_gitok(git_index_add(idx, &e));
	}
	tr_gitok(git_index_write_tree_to(&tid, idx, r));
	tr_gitok(git_tree_lookup(&tree, r, &tid));
	tr_gitok(git_signature_new(&sig, "Spec Author", "author@example.com",
				   tr_clock, 540));
	tr_clock += 60;
	if (git_reference_name_to_id(&pid, r, ref) == 0)
		tr_gitok(git_commit_lookup(&parent, r, &pid));
	parents[0] = parent;
	tr_gitok(git_commit_create(out ? out : &cid, r, ref, sig, sig, NULL,
				   msg, tree, parent ? 1 : 0, parents));
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

static inline void tr_hex(char out[41], const git_oid *id)
{
	git_oid_tostr(out, 41, id);
}

/* The blob id git gives `data`, as hex. */
static inline void tr_blob_hex(const char *data, char out[41])
{
	git_oid id;

	tr_gitok(git_odb_hash(&id, data, strlen(data), GIT_OBJECT_BLOB));
	tr_hex(out, &id);
}

/* The commit `ref` points at as hex, or "" when it does not exist. */
static inline void tr_ref_hex(git_repository *r, const char *ref,
			      char out[41])
{
	git_oid id;

	out[0] = '\0';
	if (git_reference_name_to_id(&id, r, ref) == 0)
		tr_hex(out, &id);
}

static inline char *tr_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* Writes `data` to dir/rel, creating the directories on the way. */
static inline void tr_write(const char *dir, const char *rel,
			    const char *data)
{
	char *p = tr_join(dir, rel), *slash = strrchr(p, '/');

	*slash = '\0';
	assert_int_equal(t_run(NULL, NULL, "mkdir -p '%s'", p), 0);
	*slash = '/';
	t_write(p, data);
	free(p);
}

/* ---- who the test is -------------------------------------------------- */

static inline void tr_clear_ident(void)
{
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_AUTHOR_DATE");
	unsetenv("GIT_COMMITTER_NAME");
	unsetenv("GIT_COMMITTER_EMAIL");
	unsetenv("GIT_COMMITTER_DATE");
}

/* Act as `name <email>` at `when` (seconds; 0: now). */
static inline void tr_as(const char *name, const char *email, int64_t when)
{
	char date[64];

	tr_clear_ident();
	setenv("GIT_AUTHOR_NAME", name, 1);
	setenv("GIT_AUTHOR_EMAIL", email, 1);
	if (when) {
		snprintf(date, sizeof(date), "@%lld +0000", (long long)when);
		setenv("GIT_AUTHOR_DATE", date, 1);
	}
}

/*
 * Keeps the user's git configuration out of this process and of every
 * program it runs: HOME and libgit2's global, XDG, system and
 * programdata search paths all point at `home`, an empty directory.
 * Call once, after git_libgit2_init().
 */
static inline void tr_isolate(const char *home)
{
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL,
			 home);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, home);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM,
			 home);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
			 GIT_CONFIG_LEVEL_PROGRAMDATA, home);
	setenv("HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CEILING_DIRECTORIES", "/tmp", 1);
	/* `git status` must not refresh the index it is asked about. */
	setenv("GIT_OPTIONAL_LOCKS", "0", 1);
	setenv("NO_COLOR", "1", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_CONFIG_GLOBAL");
	unsetenv("GIT_CONFIG_SYSTEM");
	tr_clear_ident();
}

/* ---- a checkout, to compare before and after ---------------------------- */

struct tr_snapshot {
	char *status;
	char *index, *head;
	size_t index_len, head_len;
	char headid[41];
};

static inline void tr_read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	*buf = malloc((size_t)n + 1);
	assert_non_null(*buf);
	assert_int_equal(fread(*buf, 1, (size_t)n, f), (size_t)n);
	(*buf)[n] = '\0';
	*len = (size_t)n;
	fclose(f);
}

static inline void tr_snap(const char *dir, struct tr_snapshot *sn)
{
	char *p;
	git_repository *r = NULL;

	memset(sn, 0, sizeof(*sn));
	assert_int_equal(t_run(&sn->status, NULL,
			       "git -C '%s' status --porcelain "
			       "--untracked-files=all",
			       dir),
			 0);
	p = tr_join(dir, ".git/index");
	tr_read_all(p, &sn->index, &sn->index_len);
	free(p);
	p = tr_join(dir, ".git/HEAD");
	tr_read_all(p, &sn->head, &sn->head_len);
	free(p);
	tr_gitok(git_repository_open(&r, dir));
	tr_ref_hex(r, "HEAD", sn->headid);
	git_repository_free(r);
}

static inline void tr_snap_equal(const struct tr_snapshot *a,
				 const struct tr_snapshot *b)
{
	assert_string_equal(a->status, b->status);
	assert_int_equal(a->index_len, b->index_len);
	assert_memory_equal(a->index, b->index, a->index_len);
	assert_int_equal(a->head_len, b->head_len);
	assert_string_equal(a->head, b->head);
	assert_string_equal(a->headid, b->headid);
}

static inline void tr_snap_release(struct tr_snapshot *sn)
{
	free(sn->status);
	free(sn->index);
	free(sn->head);
	memset(sn, 0, sizeof(*sn));
}

/* A two-item checklist the review tests commit into their repositories:
 * A-1 needs confidentiality and disclosure, A-2 an audit. */
static const char TR_MINI[] = "id: mini\n"
			      "version: '1'\n"
			      "title: {ja: ミニ, en: Mini}\n"
			      "items:\n"
			      "  - id: A-1\n"
			      "    title: {ja: 秘密保持, en: Confidentiality}\n"
			      "    severity: mandatory\n"
			      "    match:\n"
			      "      all:\n"
			      "        - any: [秘密保持, confidential*]\n"
			      "        - any: [開示, disclos*]\n"
			      "  - id: A-2\n"
			      "    title: {ja: 監査, en: Audit}\n"
			      "    severity: mandatory\n"
			      "    match:\n"
			      "      all:\n"
			      "        - any: [監査, audit*]\n";

#endif
