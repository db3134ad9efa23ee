/*
 * test_store.c - the git storage layer.  Every repository is built at run
 * time with libgit2 in a temporary directory; the `git` program is only
 * used to check the results (fsck, status).
 */
#include "testutil.h"

#include <pthread.h>

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <sys/time.h>
#include <time.h>

#include "config.h"
#include "error.h"
#include "store.h"
#include "strbuf.h"
#include "util.h"

#define REF "refs/heads/specreview/records"

static char *g_home; /* empty HOME and git config search path */

/* ---- building repositories with libgit2 ------------------------------- */

static void gitok(int g)
{
	if (g < 0) {
		const git_error *e = git_error_last();

		fail_msg("libgit2: %d %s", g, e ? e->message : "");
	}
}

static git_repository *mkrepo(const char *dir, int bare)
{
	git_repository_init_options o;
	git_repository *r = NULL;

	gitok(git_repository_init_options_init(
	    &o, GIT_REPOSITORY_INIT_OPTIONS_VERSION));
	o.flags =
	    GIT_REPOSITORY_INIT_MKPATH | (bare ? GIT_REPOSITORY_INIT_BARE : 0);
	o.initial_head = "main";
	gitok(git_repository_init_ext(&r, dir, &o));
	return r;
}

struct tfile {
	const char *path, *data;
	unsigned mode; /* 0: a regular file */
};

static int64_t g_clock = 1700000000;

/*
 * Commits a tree made of exactly `files` onto `ref` (its tip, if any, is
 * the parent); *out receives the commit.
 */
static void commit_files(git_repository *r, const char *ref,
			 const struct tfile *files, size_t n, const char *msg,
			 git_oid *out)
{
	git_index *idx = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	const git_commit *parents[1];
	git_oid tid, pid;
	size_t i;

	gitok(git_index_new(&idx));
	for (i = 0; i < n; i++) {
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.path = files[i].path;
		e.mode = files[i].mode ? files[i].mode : GIT_FILEMODE_BLOB;
		gitok(git_blob_create_from_buffer(&e.id, r, files[i].data,
						  strlen(files[i].data)));
		gitok(git_index_add(idx, &e));
	}
	gitok(git_index_write_tree_to(&tid, idx, r));
	gitok(git_tree_lookup(&tree, r, &tid));
	gitok(git_signature_new(&sig, "Author", "author@example.com", g_clock++,
				540));
	if (git_reference_name_to_id(&pid, r, ref) == 0)
		gitok(git_commit_lookup(&parent, r, &pid));
	parents[0] = parent;
	gitok(git_commit_create(out, r, ref, sig, sig, NULL, msg, tree,
				parent ? 1 : 0, parents));
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

/* Like commit_files, with explicit parents and no ref update. */
static void commit_parents(git_repository *r, const struct tfile *files,
			   size_t n, const git_oid *parents, size_t np,
			   const char *who, git_oid *out)
{
	git_index *idx = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *pc[2] = {NULL, NULL};
	git_oid tid;
	size_t i;

	assert_true(np <= 2);
	gitok(git_index_new(&idx));
	for (i = 0; i < n; i++) {
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.path = files[i].path;
		e.mode = GIT_FILEMODE_BLOB;
		gitok(git_blob_create_from_buffer(&e.id, r, files[i].data,
						  strlen(files[i].data)));
		gitok(git_index_add(idx, &e));
	}
	gitok(git_index_write_tree_to(&tid, idx, r));
	gitok(git_tree_lookup(&tree, r, &tid));
	gitok(git_signature_new(&sig, who, "x@example.com", g_clock++, 0));
	for (i = 0; i < np; i++)
		gitok(git_commit_lookup(&pc[i], r, &parents[i]));
	gitok(git_commit_create(out, r, NULL, sig, sig, NULL, "c\n", tree, np,
				(const git_commit **)pc));
	git_commit_free(pc[0]);
	git_commit_free(pc[1]);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

static void hex(char out[STORE_OID_HEX], const git_oid *id)
{
	git_oid_tostr(out, STORE_OID_HEX, id);
}

static struct store *open_ok(const char *path)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store *s = NULL;
	int ret = store_open(&s, path, &err);

	if (ret != 0)
		fail_msg("store_open(%s): %d %s", path, ret,
			 err.n ? err.diags[0].msg : "");
	sr_error_release(&err);
	return s;
}

static void fail_err(const char *what, int ret, const struct sr_error *err)
{
	fail_msg("%s: %d %s", what, ret, err->n ? err->diags[0].msg : "");
}

#define CHECK(what, call)                                                      \
	do {                                                                   \
		int r_ = (call);                                               \
		if (r_ != 0)                                                   \
			fail_err(what, r_, &err);                              \
	} while (0)

static char *joinpath(const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s/%s", a, b);
	return strbuf_detach(&sb, NULL);
}

static struct store_ident ident(const char *name, const char *email, int64_t t)
{
	struct store_ident id;

	id.name = (char *)name;
	id.email = (char *)email;
	id.time = t;
	id.tz_minutes = 540;
	return id;
}

/* ---- opening ------------------------------------------------------------- */

static void test_open_discover(void **state)
{
	char *dir = t_mkdtemp(), *sub = joinpath(dir, "a/b"), *want;
	git_repository *r = mkrepo(dir, 0);
	struct store *s;

	(void)state;
	assert_int_equal(t_run(NULL, NULL, "mkdir -p '%s'", sub), 0);
	s = open_ok(sub);
	want = joinpath(dir, "");
	assert_string_equal(store_workdir(s), want);
	free(want);
	want = joinpath(dir, ".git/");
	assert_string_equal(store_git_dir(s), want);
	free(want);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(sub);
	free(dir);
}

static void test_open_bare(void **state)
{
	char *dir = t_mkdtemp(), *want = joinpath(dir, "");
	git_repository *r = mkrepo(dir, 1);
	struct store *s = open_ok(dir);

	(void)state;
	assert_null(store_workdir(s));
	assert_string_equal(store_git_dir(s), want);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(want);
	free(dir);
}

static void test_open_none(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	char *dir = t_mkdtemp();
	struct store *s = (struct store *)&err;

	(void)state;
	assert_int_equal(store_open(&s, dir, &err), SR_ENOTFOUND);
	assert_null(s);
	assert_int_equal(err.n, 1);
	assert_non_null(strstr(err.diags[0].msg, "not a git repository"));
	assert_string_equal(err.diags[0].path, dir);
	sr_error_release(&err);
	t_rm_rf(dir);
	free(dir);
}

/* ---- reading commits ------------------------------------------------------
 */

struct fixture {
	char *dir;
	git_repository *r;
	git_oid c1, c2;
	char h1[STORE_OID_HEX], h2[STORE_OID_HEX];
};

static void fixture_make(struct fixture *f, int bare)
{
	static const struct tfile v1[] = {
	    {"specs/a.md", "# A\nfirst\n", 0},
	    {"specs/ja/b.md", "# B\n", 0},
	    {"README.md", "readme\n", 0},
	};
	static const struct tfile v2[] = {
	    {"specs/a.md", "# A\nsecond\n", 0},
	    {"specs/ja/b.md", "# B\n", 0},
	    {"specs/ja/deep/c.txt", "c\n", 0},
	    {"specs/x.pdf", "%PDF\n", 0},
	    {"specs/link.md", "a.md", GIT_FILEMODE_LINK},
	    {"specs/run.md", "#!/bin/sh\n", GIT_FILEMODE_BLOB_EXECUTABLE},
	    {"other/specs/d.md", "d\n", 0},
	    {"README.md", "readme\n", 0},
	};

	memset(f, 0, sizeof(*f));
	f->dir = t_mkdtemp();
	f->r = mkrepo(f->dir, bare);
	commit_files(f->r, "HEAD", v1, SR_ARRAY_SIZE(v1), "one\n", &f->c1);
	commit_files(f->r, "HEAD", v2, SR_ARRAY_SIZE(v2), "two\n", &f->c2);
	hex(f->h1, &f->c1);
	hex(f->h2, &f->c2);
}

static void fixture_free(struct fixture *f)
{
	git_repository_free(f->r);
	t_rm_rf(f->dir);
	free(f->dir);
}

static void test_resolve(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fixture f;
	struct store *s;
	git_object *obj = NULL;
	git_signature *sig = NULL;
	git_oid tagid;
	char out[STORE_OID_HEX], abbrev[8];

	(void)state;
	fixture_make(&f, 0);
	gitok(git_object_lookup(&obj, f.r, &f.c1, GIT_OBJECT_COMMIT));
	gitok(git_tag_create_lightweight(&tagid, f.r, "v1", obj, 0));
	gitok(git_signature_new(&sig, "T", "t@example.com", 1700000000, 0));
	gitok(git_tag_create(&tagid, f.r, "v1a", obj, sig, "annotated\n", 0));
	s = open_ok(f.dir);

	CHECK("HEAD", store_resolve(s, "HEAD", out, &err));
	assert_string_equal(out, f.h2);
	CHECK("main", store_resolve(s, "main", out, &err));
	assert_string_equal(out, f.h2);
	CHECK("v1", store_resolve(s, "v1", out, &err));
	assert_string_equal(out, f.h1);
	CHECK("v1a", store_resolve(s, "v1a", out, &err));
	assert_string_equal(out, f.h1);
	CHECK("main~1", store_resolve(s, "main~1", out, &err));
	assert_string_equal(out, f.h1);
	memcpy(abbrev, f.h1, 7);
	abbrev[7] = '\0';
	CHECK("abbrev", store_resolve(s, abbrev, out, &err));
	assert_string_equal(out, f.h1);
	CHECK("full", store_resolve(s, f.h1, out, &err));
	assert_string_equal(out, f.h1);

	assert_int_equal(store_resolve(s, "nope", out, &err), SR_ENOTFOUND);
	assert_int_equal(err.n, 1);
	assert_non_null(strstr(err.diags[0].msg, "unknown revision 'nope'"));
	assert_string_equal(out, "");
	sr_error_release(&err);
	assert_int_equal(store_resolve(s, "main~5", out, &err), SR_ENOTFOUND);
	sr_error_release(&err);
	assert_int_equal(store_resolve(s, "HEAD:specs", out, &err), SR_EINVAL);
	assert_non_null(strstr(err.diags[0].msg, "is not a commit"));
	sr_error_release(&err);
	store_free(s);

	/* An unborn HEAD. */
	{
		char *d = t_mkdtemp();
		git_repository *r = mkrepo(d, 0);

		s = open_ok(d);
		assert_int_equal(store_resolve(s, "HEAD", out, &err),
				 SR_ENOTFOUND);
		sr_error_release(&err);
		store_free(s);
		git_repository_free(r);
		t_rm_rf(d);
		free(d);
	}
	git_signature_free(sig);
	git_object_free(obj);
	fixture_free(&f);
}

static void test_read_path(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	char blob[STORE_OID_HEX], blob2[STORE_OID_HEX];
	struct fixture f;
	struct store *s;
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	fixture_make(&f, 1);
	s = open_ok(f.dir);
	CHECK("a@c1", store_read_path(s, f.h1, "specs/a.md", 1000, &buf, &len,
				      blob, &err));
	assert_string_equal(buf, "# A\nfirst\n");
	assert_int_equal(len, 10);
	free(buf);
	CHECK("a@c2", store_read_path(s, f.h2, "specs/a.md", 1000, &buf, &len,
				      blob2, &err));
	assert_string_equal(buf, "# A\nsecond\n");
	free(buf);
	assert_string_not_equal(blob, blob2);
	/* The blob id is git's. */
	{
		git_oid id;
		char h[STORE_OID_HEX];

		gitok(git_odb_hash(&id, "# A\nfirst\n", 10, GIT_OBJECT_BLOB));
		hex(h, &id);
		assert_string_equal(blob, h);
	}
	CHECK("blob", store_read_blob(s, blob, 1000, &buf, &len, &err));
	assert_string_equal(buf, "# A\nfirst\n");
	free(buf);
	/* A ref works as well as an id. */
	CHECK("a@HEAD", store_read_path(s, "HEAD", "specs/ja/b.md", 1000, &buf,
					NULL, NULL, &err));
	assert_string_equal(buf, "# B\n");
	free(buf);

	assert_int_equal(store_read_path(s, f.h1, "specs/ja/deep/c.txt", 1000,
					 &buf, &len, blob, &err),
			 SR_ENOTFOUND);
	assert_null(buf);
	assert_string_equal(err.diags[0].path, "specs/ja/deep/c.txt");
	sr_error_release(&err);
	assert_int_equal(
	    store_read_path(s, f.h2, "specs/ja", 1000, &buf, &len, NULL, &err),
	    SR_EINVAL);
	sr_error_release(&err);
	assert_int_equal(
	    store_read_path(s, f.h2, "specs/a.md", 5, &buf, &len, NULL, &err),
	    SR_ELIMIT);
	assert_null(buf);
	sr_error_release(&err);
	assert_int_equal(
	    store_read_blob(s, "0123456789012345678901234567890123456789", 1000,
			    &buf, &len, &err),
	    SR_ENOTFOUND);
	sr_error_release(&err);
	assert_int_equal(store_read_blob(s, "xyz", 1000, &buf, &len, &err),
			 SR_EINVAL);
	sr_error_release(&err);
	store_free(s);
	fixture_free(&f);
}

static void test_list_specs_default(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_entry *e = NULL;
	struct sr_config c;
	struct fixture f;
	struct store *s;
	size_t n = 0;

	(void)state;
	fixture_make(&f, 0);
	s = open_ok(f.dir);
	CHECK("config", store_load_config(s, f.h2, &c, &err));
	assert_int_equal(c.nspecs, 2);
	CHECK("list", store_list_specs(s, f.h2, &c, &e, &n, &err));
	/* Sorted; no symlink, no pdf, nothing outside specs/. */
	assert_int_equal(n, 4);
	assert_string_equal(e[0].path, "specs/a.md");
	assert_string_equal(e[1].path, "specs/ja/b.md");
	assert_string_equal(e[2].path, "specs/ja/deep/c.txt");
	assert_string_equal(e[3].path, "specs/run.md");
	assert_int_equal(strlen(e[0].blob), 40);
	store_entries_free(e, n);

	CHECK("list c1", store_list_specs(s, f.h1, &c, &e, &n, &err));
	assert_int_equal(n, 2);
	store_entries_free(e, n);
	config_release(&c);
	store_free(s);
	fixture_free(&f);
}

/* Past SR_MAX_SPECS the others are left out with one warning naming the
 * first of them; memory stays bounded by the limit. */
static void test_too_many_specs(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_entry *e = NULL;
	git_treebuilder *tb = NULL, *root = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid blob, sub, top, commit;
	struct sr_config c;
	char *dir = t_mkdtemp(), name[32], want[64];
	git_repository *r = mkrepo(dir, 0);
	struct store *s;
	size_t n = 0, i;

	(void)state;
	gitok(git_blob_create_from_buffer(&blob, r, "# x\n", 4));
	gitok(git_treebuilder_new(&tb, r, NULL));
	for (i = 0; i < SR_MAX_SPECS + 2; i++) {
		snprintf(name, sizeof(name), "%06zu.md", i);
		gitok(git_treebuilder_insert(NULL, tb, name, &blob,
					     GIT_FILEMODE_BLOB));
	}
	gitok(git_treebuilder_write(&sub, tb));
	gitok(git_treebuilder_new(&root, r, NULL));
	gitok(git_treebuilder_insert(NULL, root, "specs", &sub,
				     GIT_FILEMODE_TREE));
	gitok(git_treebuilder_write(&top, root));
	gitok(git_tree_lookup(&tree, r, &top));
	gitok(git_signature_new(&sig, "A", "a@example.com", g_clock++, 0));
	gitok(git_commit_create(&commit, r, "HEAD", sig, sig, NULL, "many\n",
				tree, 0, NULL));

	s = open_ok(dir);
	CHECK("config", store_load_config(s, "HEAD", &c, &err));
	CHECK("list", store_list_specs(s, "HEAD", &c, &e, &n, &err));
	assert_int_equal(n, SR_MAX_SPECS);
	assert_string_equal(e[0].path, "specs/000000.md");
	assert_int_equal(err.n, 1);
	assert_int_equal(err.nerrors, 0);
	snprintf(want, sizeof(want), "specs/%06u.md", SR_MAX_SPECS);
	assert_non_null(strstr(err.diags[0].msg, want));
	store_entries_free(e, n);
	config_release(&c);
	sr_error_release(&err);
	store_free(s);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_treebuilder_free(root);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

static void test_list_specs_config(void **state)
{
	static const struct tfile files[] = {
	    {".specreview.yaml",
	     "specs:\n  - '調達/**/*.md'\n  - 'docs/*.txt'\n"
	     "records_branch: review/records\n",
	     0},
	    {"調達/2026/仕様書.md", "本文\n", 0},
	    {"調達/概要.md", "概要\n", 0},
	    {"調達/2026/図.png", "png", 0},
	    {"docs/a.txt", "a\n", 0},
	    {"docs/sub/b.txt", "b\n", 0},
	    {"specs/a.md", "not a spec here\n", 0},
	};
	struct sr_error err = SR_ERROR_INIT;
	struct store_entry *e = NULL;
	struct sr_config c;
	git_oid id;
	char h[STORE_OID_HEX];
	char *dir = t_mkdtemp();
	git_repository *r = mkrepo(dir, 0);
	struct store *s;
	size_t n = 0;

	(void)state;
	commit_files(r, "HEAD", files, SR_ARRAY_SIZE(files), "m\n", &id);
	hex(h, &id);
	s = open_ok(dir);
	CHECK("config", store_load_config(s, h, &c, &err));
	assert_string_equal(c.records_branch, "review/records");
	CHECK("list", store_list_specs(s, h, &c, &e, &n, &err));
	assert_int_equal(n, 3);
	assert_string_equal(e[0].path, "docs/a.txt");
	assert_string_equal(e[1].path, "調達/2026/仕様書.md");
	assert_string_equal(e[2].path, "調達/概要.md");
	store_entries_free(e, n);
	config_release(&c);

	/* A missing commit is an error, not the defaults. */
	assert_int_equal(store_load_config(s, "no-such-rev", &c, &err),
			 SR_ENOTFOUND);
	sr_error_release(&err);
	config_release(&c);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

static void test_config_errors_in_commit(void **state)
{
	static const struct tfile files[] = {
	    {".specreview.yaml",
	     "specs: ['a/*.md']\n"
	     "checklist: [x.yaml]\n"
	     "words: [a, b]\n",
	     0},
	};
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;
	git_oid id;
	char h[STORE_OID_HEX];
	char *dir = t_mkdtemp();
	git_repository *r = mkrepo(dir, 1);
	struct store *s;

	(void)state;
	commit_files(r, "HEAD", files, 1, "m\n", &id);
	hex(h, &id);
	s = open_ok(dir);
	assert_int_equal(store_load_config(s, h, &c, &err), SR_EPARSE);
	assert_int_equal(err.n, 2);
	assert_string_equal(err.diags[0].path, ".specreview.yaml");
	assert_int_equal(err.diags[0].line, 2);
	assert_int_equal(err.diags[0].col, 1);
	assert_string_equal(err.diags[0].msg,
			    "unknown key 'checklist' (did you mean "
			    "'checklists'?)");
	assert_int_equal(err.diags[1].line, 3);
	assert_int_equal(err.diags[1].col, 8);
	assert_string_equal(err.diags[1].msg,
			    "'words' must be a string, not a list");
	config_release(&c); /* harmless after a failure */
	sr_error_release(&err);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

/* ---- the records branch ----------------------------------------------------
 */

static void read_file_bytes(const char *path, struct strbuf *out)
{
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(sr_read_file(&buf, &len, path, 1u << 24, NULL), 0);
	strbuf_add(out, buf, len);
	free(buf);
}

/* A checkout with unstaged, staged and untracked changes. */
static void make_worktree(const char *dir, git_repository **out)
{
	git_repository *r = mkrepo(dir, 0);
	git_index *idx = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid tid, cid;
	char *p;

	p = joinpath(dir, "specs");
	assert_int_equal(mkdir(p, 0777), 0);
	free(p);
	p = joinpath(dir, "specs/a.md");
	t_write(p, "# A\n");
	free(p);
	gitok(git_repository_index(&idx, r));
	gitok(git_index_add_bypath(idx, "specs/a.md"));
	gitok(git_index_write(idx));
	gitok(git_index_write_tree(&tid, idx));
	gitok(git_tree_lookup(&tree, r, &tid));
	gitok(git_signature_new(&sig, "A", "a@example.com", 1700000000, 0));
	gitok(git_commit_create(&cid, r, "HEAD", sig, sig, NULL, "init\n", tree,
				0, NULL));
	p = joinpath(dir, "specs/a.md");
	t_write(p, "# A\nchanged\n");
	free(p);
	p = joinpath(dir, "staged.md");
	t_write(p, "staged\n");
	free(p);
	gitok(git_index_add_bypath(idx, "staged.md"));
	gitok(git_index_write(idx));
	p = joinpath(dir, "untracked.txt");
	t_write(p, "u\n");
	free(p);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
	*out = r;
}

struct snapshot {
	char *status;
	struct strbuf index, head;
	char headid[STORE_OID_HEX];
};

static void snap(const char *dir, struct snapshot *sn)
{
	char *p;
	git_repository *r = NULL;
	git_oid id;

	memset(sn, 0, sizeof(*sn));
	strbuf_init(&sn->index, 0);
	strbuf_init(&sn->head, 0);
	assert_int_equal(
	    t_run(&sn->status, NULL, "git -C '%s' status --porcelain", dir), 0);
	p = joinpath(dir, ".git/index");
	read_file_bytes(p, &sn->index);
	free(p);
	p = joinpath(dir, ".git/HEAD");
	read_file_bytes(p, &sn->head);
	free(p);
	gitok(git_repository_open(&r, dir));
	gitok(git_reference_name_to_id(&id, r, "HEAD"));
	hex(sn->headid, &id);
	git_repository_free(r);
}

static void snap_equal(const struct snapshot *a, const struct snapshot *b)
{
	assert_string_equal(a->status, b->status);
	assert_int_equal(a->index.len, b->index.len);
	assert_memory_equal(a->index.buf, b->index.buf, a->index.len);
	assert_string_equal(a->head.buf, b->head.buf);
	assert_string_equal(a->headid, b->headid);
}

static void snap_release(struct snapshot *sn)
{
	free(sn->status);
	strbuf_release(&sn->index);
	strbuf_release(&sn->head);
}

static void test_records_commit(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct snapshot before, after;
	struct store_ident who =
	    ident("Reviewer R", "r@example.com", 1764137880);
	struct store_file f1 = {"records/specs/a.md/1-reviewer-r.yaml",
				"decision: approve\n", 18};
	struct store_file f2 = {"records/specs/a.md/2-reviewer-r.yaml",
				"decision: comment\n", 18};
	char *dir = t_mkdtemp(), *out = NULL;
	char c1[STORE_OID_HEX], c2[STORE_OID_HEX], tip[STORE_OID_HEX];
	git_repository *r = NULL;
	git_commit *c = NULL;
	const git_signature *au, *cm;
	struct store *s;
	char *buf = NULL;
	size_t len = 0;
	git_oid id;

	(void)state;
	make_worktree(dir, &r);
	snap(dir, &before);
	assert_non_null(strstr(before.status, " M specs/a.md"));
	assert_non_null(strstr(before.status, "A  staged.md"));
	assert_non_null(strstr(before.status, "?? untracked.txt"));
	s = open_ok(dir);

	CHECK("first", store_records_commit(s, REF, &f1, 1, 0,
					    "Record\n\nSpec: specs/a.md", &who,
					    NULL, NULL, c1, &err));
	gitok(git_oid_fromstr(&id, c1));
	gitok(git_commit_lookup(&c, r, &id));
	assert_int_equal(git_commit_parentcount(c), 0);
	au = git_commit_author(c);
	cm = git_commit_committer(c);
	assert_string_equal(au->name, "Reviewer R");
	assert_string_equal(au->email, "r@example.com");
	assert_int_equal(au->when.time, 1764137880);
	assert_int_equal(au->when.offset, 540);
	assert_string_equal(cm->name, "Reviewer R");
	assert_string_equal(git_commit_message(c),
			    "Record\n\nSpec: specs/a.md\n");
	git_commit_free(c);

	CHECK("second", store_records_commit(s, REF, &f2, 1, 0, "Two\n", &who,
					     NULL, NULL, c2, &err));
	gitok(git_oid_fromstr(&id, c2));
	gitok(git_commit_lookup(&c, r, &id));
	assert_int_equal(git_commit_parentcount(c), 1);
	hex(tip, git_commit_parent_id(c, 0));
	assert_string_equal(tip, c1);
	git_commit_free(c);

	/* Both files are on the tip. */
	CHECK("read", store_records_read(s, REF, f1.path, &buf, &len, &err));
	assert_string_equal(buf, "decision: approve\n");
	free(buf);
	CHECK("read", store_records_read(s, REF, f2.path, &buf, &len, &err));
	free(buf);
	assert_int_equal(
	    store_records_read(s, REF, "records/none.yaml", &buf, &len, &err),
	    SR_ENOTFOUND);
	sr_error_release(&err);
	assert_int_equal(store_records_read(s, "refs/heads/nothing", f1.path,
					    &buf, &len, &err),
			 SR_ENOTFOUND);
	sr_error_release(&err);

	/* An existing path is refused and the ref does not move. */
	assert_int_equal(store_records_commit(s, REF, &f1, 1, 0, "again\n",
					      &who, NULL, NULL, tip, &err),
			 SR_EEXIST);
	assert_string_equal(err.diags[0].path, f1.path);
	assert_non_null(strstr(err.diags[0].msg, "already exists"));
	sr_error_release(&err);
	gitok(git_reference_name_to_id(&id, r, REF));
	hex(tip, &id);
	assert_string_equal(tip, c2);
	/* So is a file where a directory is needed. */
	{
		struct store_file bad = {
		    "records/specs/a.md/1-reviewer-r.yaml/x", "x", 1};

		assert_int_equal(store_records_commit(s, REF, &bad, 1, 0, "x\n",
						      &who, NULL, NULL, NULL,
						      &err),
				 SR_ECONFLICT);
		sr_error_release(&err);
	}
	/* Bad paths are refused before anything is written. */
	{
		static const char *const bad[] = {"/abs", "a//b",   "a/../b",
						  "a/",	  ".git/x", ""};
		size_t i;

		for (i = 0; i < SR_ARRAY_SIZE(bad); i++) {
			struct store_file bf = {bad[i], "x", 1};

			assert_int_equal(store_records_commit(s, REF, &bf, 1, 0,
							      "x\n", &who, NULL,
							      NULL, NULL, &err),
					 SR_EINVAL);
			sr_error_release(&err);
		}
	}
	/* `replace` may overwrite (roles.yaml). */
	{
		struct store_file roles = {"roles.yaml", "a: 1\n", 5};

		CHECK("roles",
		      store_records_commit(s, REF, &roles, 1, 1, "roles\n",
					   &who, NULL, NULL, NULL, &err));
		roles.data = "a: 2\n";
		assert_int_equal(store_records_commit(s, REF, &roles, 1, 0,
						      "roles\n", &who, NULL,
						      NULL, NULL, &err),
				 SR_EEXIST);
		sr_error_release(&err);
		CHECK("roles 2",
		      store_records_commit(s, REF, &roles, 1, 1, "roles\n",
					   &who, NULL, NULL, NULL, &err));
		CHECK("read", store_records_read(s, REF, "roles.yaml", &buf,
						 &len, &err));
		assert_string_equal(buf, "a: 2\n");
		free(buf);
	}

	/* Nothing of the checkout changed. */
	snap(dir, &after);
	snap_equal(&before, &after);
	assert_int_equal(t_run(NULL, NULL, "git -C '%s' fsck --strict", dir),
			 0);
	assert_int_equal(
	    t_run(&out, NULL,
		  "git -C '%s' log --format=%%an specreview/records", dir),
	    0);
	assert_string_equal(out,
			    "Reviewer R\nReviewer R\nReviewer R\nReviewer R\n");
	free(out);

	store_free(s);
	snap_release(&before);
	snap_release(&after);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

static void test_records_checked_out_refused(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_ident who = ident("R", "r@example.com", 1764137880);
	struct store_file f = {"records/x.yaml", "x\n", 2};
	char *dir = t_mkdtemp();
	git_repository *r = NULL;
	struct store *s;

	(void)state;
	make_worktree(dir, &r);
	s = open_ok(dir);
	/* HEAD is on main: recording onto main would move the checkout. */
	assert_int_equal(store_records_commit(s, "refs/heads/main", &f, 1, 0,
					      "x\n", &who, NULL, NULL, NULL,
					      &err),
			 SR_EINVAL);
	assert_non_null(strstr(err.diags[0].msg, "checked out"));
	sr_error_release(&err);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

static void test_records_lock(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_ident who = ident("R", "r@example.com", 1764137880);
	struct store_file f = {"records/a.yaml", "x\n", 2};
	char c1[STORE_OID_HEX], tip[STORE_OID_HEX];
	char *dir = t_mkdtemp(),
	     *lock = joinpath(dir, "refs/heads/specreview/records.lock");
	git_repository *r = mkrepo(dir, 1);
	struct store *s = open_ok(dir);
	struct timespec ts = {0, 50 * 1000 * 1000};
	struct timeval old[2];
	int status;
	pid_t pid;
	git_oid id;

	(void)state;
	CHECK("first", store_records_commit(s, REF, &f, 1, 0, "a\n", &who, NULL,
					    NULL, c1, &err));

	/* A lock left by a writer that died long ago: refused at once. */
	t_write(lock, "");
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 3600;
	old[0].tv_usec = old[1].tv_usec = 0;
	assert_int_equal(utimes(lock, old), 0);
	f.path = "records/b.yaml";
	assert_int_equal(store_records_commit(s, REF, &f, 1, 0, "b\n", &who,
					      NULL, NULL, NULL, &err),
			 SR_ECONFLICT);
	assert_string_equal(err.diags[err.n - 1].path, lock);
	assert_non_null(strstr(err.diags[err.n - 1].msg, "remove this file"));
	sr_error_release(&err);
	gitok(git_reference_name_to_id(&id, r, REF));
	hex(tip, &id);
	assert_string_equal(tip, c1);

	/* A lock held for a moment by a live writer: waited for. */
	t_write(lock, "");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		nanosleep(&ts, NULL);
		_exit(unlink(lock) == 0 ? 0 : 1);
	}
	CHECK("after the lock",
	      store_records_commit(s, REF, &f, 1, 0, "b\n", &who, NULL, NULL,
				   tip, &err));
	assert_string_not_equal(tip, c1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(lock);
	free(dir);
}

struct pre_ctx {
	int calls;
	char seen[4][STORE_OID_HEX];
	int fail_with;
};

static int precheck(struct store *s, const char *tip, void *ctx,
		    struct sr_error *err)
{
	struct pre_ctx *p = ctx;

	(void)s;
	if (p->calls < 4)
		snprintf(p->seen[p->calls], STORE_OID_HEX, "%s",
			 tip ? tip : "-");
	p->calls++;
	if (p->fail_with)
		return sr_error_add(err, p->fail_with, NULL, 0, 0,
				    "refused by precheck");
	return 0;
}

static void test_precheck(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_ident who = ident("R", "r@example.com", 1764137880);
	struct store_file f = {"records/a.yaml", "x\n", 2};
	struct pre_ctx p;
	char c1[STORE_OID_HEX];
	char *dir = t_mkdtemp();
	git_repository *r = mkrepo(dir, 1);
	struct store *s = open_ok(dir);
	git_oid id;

	(void)state;
	memset(&p, 0, sizeof(p));
	CHECK("first", store_records_commit(s, REF, &f, 1, 0, "a\n", &who,
					    precheck, &p, c1, &err));
	assert_int_equal(p.calls, 1);
	assert_string_equal(p.seen[0], "-");
	f.path = "records/b.yaml";
	p.fail_with = SR_EDENIED;
	assert_int_equal(store_records_commit(s, REF, &f, 1, 0, "b\n", &who,
					      precheck, &p, NULL, &err),
			 SR_EDENIED);
	assert_int_equal(p.calls, 2);
	assert_string_equal(p.seen[1], c1);
	sr_error_release(&err);
	gitok(git_reference_name_to_id(&id, r, REF));
	hex(p.seen[3], &id);
	assert_string_equal(p.seen[3], c1);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

/* ---- identity -------------------------------------------------------------
 */

static void clear_ident_env(void)
{
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_AUTHOR_DATE");
}

static void test_identity(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_ident id;
	char *dir = t_mkdtemp();
	git_repository *r = mkrepo(dir, 0);
	git_config *cfg = NULL;
	struct store *s;
	time_t now;

	(void)state;
	clear_ident_env();
	s = open_ok(dir);
	memset(&id, 0, sizeof(id));
	assert_int_equal(store_identity(s, &id, &err), SR_EDENIED);
	assert_string_equal(err.diags[0].msg,
			    "no identity: set user.name and user.email "
			    "(git config)");
	assert_null(id.name);
	sr_error_release(&err);

	/* From the repository's config. */
	gitok(git_repository_config(&cfg, r));
	gitok(git_config_set_string(cfg, "user.name", "山田 太郎"));
	assert_int_equal(store_identity(s, &id, &err), SR_EDENIED);
	sr_error_release(&err);
	gitok(git_config_set_string(cfg, "user.email", "yamada@example.jp"));
	git_config_free(cfg);
	now = time(NULL);
	CHECK("config", store_identity(s, &id, &err));
	assert_string_equal(id.name, "山田 太郎");
	assert_string_equal(id.email, "yamada@example.jp");
	assert_true(id.time >= now && id.time <= now + 5);
	store_ident_release(&id);

	/* The environment wins, each part on its own. */
	setenv("GIT_AUTHOR_NAME", "Env Name", 1);
	CHECK("env name", store_identity(s, &id, &err));
	assert_string_equal(id.name, "Env Name");
	assert_string_equal(id.email, "yamada@example.jp");
	store_ident_release(&id);
	setenv("GIT_AUTHOR_EMAIL", "env@example.com", 1);
	setenv("GIT_AUTHOR_DATE", "@1700000000 +0000", 1);
	CHECK("env", store_identity(s, &id, &err));
	assert_string_equal(id.email, "env@example.com");
	assert_int_equal(id.time, 1700000000);
	assert_int_equal(id.tz_minutes, 0);
	store_ident_release(&id);
	clear_ident_env();
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

struct date_case {
	const char *in;
	int64_t when;
	int tz;
	int ok;
};

static void test_identity_dates(void **state)
{
	static const struct date_case cases[] = {
	    {"@1700000000 +0000", 1700000000, 0, 1},
	    {"@1700000000", 1700000000, 0, 1},
	    {"1700000000 +0130", 1700000000, 90, 1},
	    {"1700000000 -0800", 1700000000, -480, 1},
	    {"2026-11-26T06:00:00Z", 1795672800, 0, 1},
	    {"2026-11-26T15:00:00+09:00", 1795672800, 540, 1},
	    {"2026-11-26 15:00:00 +0900", 1795672800, 540, 1},
	    {"2026-11-26T06:00:00.123Z", 1795672800, 0, 1},
	    {"Thu, 26 Nov 2026 15:00:00 +0900", 1795672800, 540, 1},
	    {"26 Nov 2026 06:00:00 +0000", 1795672800, 0, 1},
	    {"2000-02-29T00:00:00Z", 951782400, 0, 1},
	    {"yesterday", 0, 0, 0},
	    {"2026-13-01T00:00:00Z", 0, 0, 0},
	    {"2026-11-26T06:00:00Zjunk", 0, 0, 0},
	    {"@12x", 0, 0, 0},
	};
	struct sr_error err = SR_ERROR_INIT;
	struct store_ident id;
	char *dir = t_mkdtemp();
	git_repository *r = mkrepo(dir, 1);
	struct store *s = open_ok(dir);
	size_t i;

	(void)state;
	setenv("GIT_AUTHOR_NAME", "N", 1);
	setenv("GIT_AUTHOR_EMAIL", "n@example.com", 1);
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		int ret;

		setenv("GIT_AUTHOR_DATE", cases[i].in, 1);
		ret = store_identity(s, &id, &err);
		if (!cases[i].ok) {
			if (ret != SR_EINVAL)
				fail_msg("'%s' accepted", cases[i].in);
			assert_non_null(
			    strstr(err.diags[0].msg, "GIT_AUTHOR_DATE"));
			sr_error_release(&err);
			continue;
		}
		if (ret != 0)
			fail_err(cases[i].in, ret, &err);
		if (id.time != cases[i].when || id.tz_minutes != cases[i].tz)
			fail_msg("'%s': %lld %d", cases[i].in,
				 (long long)id.time, id.tz_minutes);
		store_ident_release(&id);
	}
	/* No zone: local time, as git reads it. */
	setenv("GIT_AUTHOR_DATE", "2026-11-26T06:00:00", 1);
	CHECK("local", store_identity(s, &id, &err));
	assert_int_equal(id.time + (int64_t)id.tz_minutes * 60, 1795672800);
	store_ident_release(&id);
	clear_ident_env();
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

/* How many files the cache below git directory `gitdir` holds. */
static int cache_files(const char *gitdir)
{
	char *out = NULL;
	int n;

	assert_int_equal(t_run(&out, NULL,
			       "find '%s/specreview/cache' -type f | wc -l",
			       gitdir),
			 0);
	n = atoi(out);
	free(out);
	return n;
}

/* ---- concurrency ------------------------------------------------------------
 */

#define WRITERS	   8
#define PER_WRITER 10

static int writer(const char *dir, int w, int go)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store *s = NULL;
	struct store_ident who;
	char path[128], data[64], name[32], email[64], c;
	int i, ret;

	if (read(go, &c, 1) != 0) /* EOF: everyone starts */
		return 10;
	if (store_open(&s, dir, &err) < 0)
		return 11;
	snprintf(name, sizeof(name), "Writer %d", w);
	snprintf(email, sizeof(email), "w%d@example.com", w);
	who = ident(name, email, 1764137880 + w);
	for (i = 0; i < PER_WRITER; i++) {
		struct store_file f;

		snprintf(path, sizeof(path),
			 "records/specs/s%d.md/%02d-reviewer-w%d.yaml", w % 3,
			 i, w);
		snprintf(data, sizeof(data), "writer: %d\nn: %d\n", w, i);
		f.path = path;
		f.data = data;
		f.len = strlen(data);
		ret = store_records_commit(s, REF, &f, 1, 0, "record\n", &who,
					   NULL, NULL, NULL, &err);
		if (ret < 0) {
			fprintf(stderr, "writer %d: %s\n", w,
				err.n ? err.diags[0].msg : "?");
			return 12;
		}
	}
	store_free(s);
	sr_error_release(&err);
	return 0;
}

static void test_concurrent_writers(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_record_file *rf = NULL;
	char *dir = t_mkdtemp(), *out = NULL;
	git_repository *r = mkrepo(dir, 0);
	git_revwalk *walk = NULL;
	pid_t pids[WRITERS];
	int pipefd[2], i, status, commits = 0;
	struct store *s;
	size_t n = 0;
	git_oid id;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			int rc;

			close(pipefd[1]);
			rc = writer(dir, i, pipefd[0]);
			/* What the child took from the parent, for valgrind. */
			git_repository_free(r);
			free(dir);
			_exit(rc);
		}
	}
	close(pipefd[0]);
	close(pipefd[1]); /* the barrier opens */
	for (i = 0; i < WRITERS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}

	/* Every record is there, history is linear. */
	s = open_ok(dir);
	CHECK("list", store_records_list(s, REF, NULL, &rf, &n, &err));
	assert_int_equal(n, WRITERS * PER_WRITER);
	store_record_files_free(rf, n);
	gitok(git_revwalk_new(&walk, r));
	gitok(git_revwalk_push_ref(walk, REF));
	while (git_revwalk_next(&id, walk) == 0) {
		git_commit *c = NULL;

		gitok(git_commit_lookup(&c, r, &id));
		assert_true(git_commit_parentcount(c) <= 1);
		git_commit_free(c);
		commits++;
	}
	assert_int_equal(commits, WRITERS * PER_WRITER);
	assert_int_equal(t_run(&out, NULL,
			       "git -C '%s' ls-tree -r --name-only "
			       "specreview/records | wc -l",
			       dir),
			 0);
	assert_int_equal(atoi(out), WRITERS * PER_WRITER);
	free(out);
	assert_int_equal(t_run(NULL, NULL, "git -C '%s' fsck --strict", dir),
			 0);
	git_revwalk_free(walk);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

/* ---- listing records --------------------------------------------------------
 */

static void add_record(struct store *s, const char *path, const char *name,
		       int64_t t, char commit[STORE_OID_HEX])
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_ident who;
	struct store_file f;
	char email[64];

	snprintf(email, sizeof(email), "%c@example.com", name[0]);
	who = ident(name, email, t);
	f.path = path;
	f.data = path;
	f.len = strlen(path);
	CHECK(path, store_records_commit(s, REF, &f, 1, 0, "r\n", &who, NULL,
					 NULL, commit, &err));
}

static void test_records_list(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct store_record_file *rf = NULL;
	char c[5][STORE_OID_HEX];
	char *dir = t_mkdtemp();
	git_repository *r = mkrepo(dir, 1);
	struct store *s = open_ok(dir);
	size_t n = 99;

	(void)state;
	/* No branch yet: nothing, no error. */
	CHECK("empty", store_records_list(s, REF, NULL, &rf, &n, &err));
	assert_int_equal(n, 0);
	store_record_files_free(rf, n);

	add_record(s, "records/specs/a.md/1-reviewer-alice.yaml", "Alice",
		   1764100000, c[0]);
	add_record(s, "records/specs/ja/b.md/1-reviewer-bob.yaml", "Bob",
		   1764100100, c[1]);
	add_record(s, "records/specs/a.md/2-adviser-carol.yaml", "Carol",
		   1764100200, c[2]);
	add_record(s, "records/specs/ja/1-reviewer-dan.yaml", "Dan", 1764100300,
		   c[3]);
	{
		/* roles.yaml is not a record. */
		struct store_ident who =
		    ident("Eve", "e@example.com", 1764100400);
		struct store_file f = {"roles.yaml", "x\n", 2};

		CHECK("roles",
		      store_records_commit(s, REF, &f, 1, 1, "roles\n", &who,
					   NULL, NULL, c[4], &err));
	}

	CHECK("all", store_records_list(s, REF, NULL, &rf, &n, &err));
	assert_int_equal(n, 4);
	assert_string_equal(rf[0].path, "records/specs/ja/1-reviewer-dan.yaml");
	assert_string_equal(rf[0].commit, c[3]);
	assert_string_equal(rf[1].path,
			    "records/specs/a.md/2-adviser-carol.yaml");
	assert_string_equal(rf[2].commit, c[1]);
	assert_string_equal(rf[3].path,
			    "records/specs/a.md/1-reviewer-alice.yaml");
	assert_string_equal(rf[3].author_name, "Alice");
	assert_string_equal(rf[3].author_email, "A@example.com");
	assert_int_equal(rf[3].time, 1764100000);
	assert_string_equal(rf[3].commit, c[0]);
	{
		git_oid id;
		char h[STORE_OID_HEX];
		const char *p = "records/specs/a.md/1-reviewer-alice.yaml";

		gitok(git_odb_hash(&id, p, strlen(p), GIT_OBJECT_BLOB));
		hex(h, &id);
		assert_string_equal(rf[3].blob, h);
	}
	store_record_files_free(rf, n);

	/* One spec: newest first, and specs/ja is not specs/ja/b.md. */
	CHECK("a.md", store_records_list(s, REF, "specs/a.md", &rf, &n, &err));
	assert_int_equal(n, 2);
	assert_string_equal(rf[0].author_name, "Carol");
	assert_string_equal(rf[0].commit, c[2]);
	assert_string_equal(rf[1].author_name, "Alice");
	store_record_files_free(rf, n);
	CHECK("ja", store_records_list(s, REF, "specs/ja", &rf, &n, &err));
	assert_int_equal(n, 1);
	assert_string_equal(rf[0].author_name, "Dan");
	store_record_files_free(rf, n);
	CHECK("none", store_records_list(s, REF, "specs/zz.md", &rf, &n, &err));
	assert_int_equal(n, 0);
	store_record_files_free(rf, n);

	/* Over the limits: the newest are listed, with a warning naming the
	 * spec (or the branch), and nothing else is wrong. */
	assert_int_equal(err.n, 0);
	store_set_record_limits(s, 1, 3);
	CHECK("a.md limited",
	      store_records_list(s, REF, "specs/a.md", &rf, &n, &err));
	assert_int_equal(n, 1);
	assert_string_equal(rf[0].author_name, "Carol");
	assert_int_equal(err.n, 1);
	assert_int_equal(err.nerrors, 0);
	assert_string_equal(err.diags[0].path, "specs/a.md");
	assert_non_null(strstr(err.diags[0].msg, "only the newest 1"));
	store_record_files_free(rf, n);
	sr_error_release(&err);
	CHECK("all limited", store_records_list(s, REF, NULL, &rf, &n, &err));
	assert_int_equal(n, 3);
	assert_string_equal(rf[0].author_name, "Dan");
	assert_int_equal(err.n, 1);
	assert_string_equal(err.diags[0].path, REF);
	store_record_files_free(rf, n);
	sr_error_release(&err);

	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

static void test_records_list_merge(void **state)
{
	static const struct tfile base[] = {
	    {"records/s.md/1.yaml", "1\n", 0},
	};
	static const struct tfile side[] = {
	    {"records/s.md/1.yaml", "1\n", 0},
	    {"records/s.md/side.yaml", "side\n", 0},
	};
	static const struct tfile main_[] = {
	    {"records/s.md/1.yaml", "1\n", 0},
	    {"records/s.md/main.yaml", "main\n", 0},
	};
	static const struct tfile merged[] = {
	    {"records/s.md/1.yaml", "1\n", 0},
	    {"records/s.md/main.yaml", "main\n", 0},
	    {"records/s.md/side.yaml", "side\n", 0},
	};
	struct sr_error err = SR_ERROR_INIT;
	struct store_record_file *rf = NULL;
	char *dir = t_mkdtemp();
	git_repository *r = mkrepo(dir, 1);
	git_oid b, sd, m, par[2], g;
	char hb[STORE_OID_HEX], hs[STORE_OID_HEX], hm[STORE_OID_HEX];
	git_reference *ref = NULL;
	struct store *s;
	size_t n = 0, i;

	(void)state;
	commit_parents(r, base, 1, NULL, 0, "Base", &b);
	commit_parents(r, side, 2, &b, 1, "Side", &sd);
	commit_parents(r, main_, 2, &b, 1, "Main", &m);
	par[0] = m;
	par[1] = sd;
	commit_parents(r, merged, 3, par, 2, "Merge", &g);
	gitok(git_reference_create(&ref, r, REF, &g, 0, "test"));
	git_reference_free(ref);
	hex(hb, &b);
	hex(hs, &sd);
	hex(hm, &m);
	s = open_ok(dir);
	CHECK("list", store_records_list(s, REF, "s.md", &rf, &n, &err));
	/* Each file once, from the commit that really added it. */
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		if (!strcmp(rf[i].path, "records/s.md/1.yaml"))
			assert_string_equal(rf[i].commit, hb);
		else if (!strcmp(rf[i].path, "records/s.md/side.yaml"))
			assert_string_equal(rf[i].commit, hs);
		else if (!strcmp(rf[i].path, "records/s.md/main.yaml"))
			assert_string_equal(rf[i].commit, hm);
		else
			fail_msg("unexpected %s", rf[i].path);
	}
	assert_string_equal(rf[2].path, "records/s.md/1.yaml");
	store_record_files_free(rf, n);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

/* ---- the cache
 * ---------------------------------------------------------------- */

static char *cache_file(const char *gitdir, const char *key)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%sspecreview/cache/%.2s/%s", gitdir, key, key + 2);
	return strbuf_detach(&sb, NULL);
}

static void test_cache(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	const char *key = "0123abcd-4567ef-0.1.0";
	char *dir = t_mkdtemp(), *buf = NULL, *path;
	git_repository *r = mkrepo(dir, 0);
	struct store *s = open_ok(dir);
	size_t len = 0;
	int fd;

	(void)state;
	assert_int_equal(store_cache_get(s, key, &buf, &len), SR_ENOTFOUND);
	assert_null(buf);
	CHECK("put", store_cache_put(s, key, "{\"r\":1}\n", 8, &err));
	assert_int_equal(store_cache_get(s, key, &buf, &len), 0);
	assert_int_equal(len, 8);
	assert_string_equal(buf, "{\"r\":1}\n");
	free(buf);
	/* Another key is another entry. */
	assert_int_equal(
	    store_cache_get(s, "0123abcd-4567ef-0.2.0", &buf, &len),
	    SR_ENOTFOUND);

	/* Flip one byte of the payload: not trusted. */
	path = cache_file(store_git_dir(s), key);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	{
		off_t end = lseek(fd, -2, SEEK_END);
		char ch;

		assert_true(end > 0);
		assert_int_equal(read(fd, &ch, 1), 1);
		ch ^= 0x20;
		assert_int_equal(pwrite(fd, &ch, 1, end), 1);
	}
	close(fd);
	assert_int_equal(store_cache_get(s, key, &buf, &len), SR_ENOTFOUND);
	assert_null(buf);
	/* A truncated entry and a garbage header are not trusted either. */
	t_write(path, "specreview-cache 1 21 8 0000000000000000\n");
	assert_int_equal(store_cache_get(s, key, &buf, &len), SR_ENOTFOUND);
	t_write(path, "garbage");
	assert_int_equal(store_cache_get(s, key, &buf, &len), SR_ENOTFOUND);
	/* Entries are not flushed to the disk: what a crash can leave of
	 * one, an empty file, is a miss too. */
	t_write(path, "");
	assert_int_equal(store_cache_get(s, key, &buf, &len), SR_ENOTFOUND);
	/* Put again: good as new. */
	CHECK("put again", store_cache_put(s, key, "{\"r\":2}\n", 8, &err));
	assert_int_equal(store_cache_get(s, key, &buf, &len), 0);
	assert_string_equal(buf, "{\"r\":2}\n");
	free(buf);

	/* A longer payload is summed a word at a time: a flipped byte or
	 * two words swapped anywhere in it are seen too. */
	{
		static const char big[] =
		    "{\"findings\":[\"aaaaaaaabbbbbbbbccccccccdddddddd\","
		    "\"eeeeeeeeffffffffgggggggghhhhhhhh\"]}\n";
		static const size_t flips[] = {3, 40, sizeof(big) - 3};
		size_t i, n = sizeof(big) - 1, olen = 0;
		char *ok = NULL, *bad;

		for (i = 0; i < 4; i++) {
			CHECK("big", store_cache_put(s, key, big, n, &err));
			free(ok);
			ok = NULL;
			assert_int_equal(sr_read_file(&ok, &olen, path,
						      1 << 20, NULL),
					 0);
			bad = strdup(ok);
			assert_non_null(bad);
			if (i < 3) {
				bad[strlen(bad) - n + flips[i]] ^= 0x01;
			} else { /* swap "aaaaaaaa" and "bbbbbbbb" */
				char *a = strstr(bad, "aaaaaaaa");

				memcpy(a, "bbbbbbbbaaaaaaaa", 16);
			}
			t_write(path, bad);
			free(bad);
			if (store_cache_get(s, key, &buf, &len) != SR_ENOTFOUND)
				fail_msg("damage %zu not seen", i);
		}
		t_write(path, ok);
		assert_int_equal(store_cache_get(s, key, &buf, &len), 0);
		assert_int_equal(len, n);
		assert_memory_equal(buf, big, n);
		free(buf);
		free(ok);
	}
	free(path);

	/* Keys that are not file names are hashed; an empty payload. */
	CHECK("odd key", store_cache_put(s, "a b/../c", "", 0, &err));
	assert_int_equal(store_cache_get(s, "a b/../c", &buf, &len), 0);
	assert_int_equal(len, 0);
	free(buf);
	assert_int_equal(store_cache_get(s, "a b/../d", &buf, &len),
			 SR_ENOTFOUND);

	/* A cache that cannot be written is an error, not a crash. */
	{
		char *sr = joinpath(dir, ".git/specreview");

		assert_int_equal(
		    t_run(NULL, NULL, "rm -rf '%s' && touch '%s'", sr, sr), 0);
		assert_true(store_cache_put(s, "zz-key", "x", 1, &err) < 0);
		assert_true(err.n > 0);
		sr_error_release(&err);
		assert_int_equal(store_cache_get(s, "zz-key", &buf, &len),
				 SR_ENOTFOUND);
		free(sr);
	}
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

static void test_cache_concurrent(void **state)
{
	const char *key = "feedface-cafe-1";
	char *dir = t_mkdtemp(), *buf = NULL;
	git_repository *r = mkrepo(dir, 1);
	pid_t pids[4];
	int pipefd[2], i, status;
	struct store *s;
	size_t len = 0;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct sr_error err = SR_ERROR_INIT;
			struct store *cs = NULL;
			char payload[4096], c;
			int k, bad = 0;

			close(pipefd[1]);
			if (read(pipefd[0], &c, 1) != 0)
				_exit(10);
			if (store_open(&cs, dir, &err) < 0)
				_exit(11);
			memset(payload, 'a' + i, sizeof(payload));
			for (k = 0; k < 50; k++)
				if (store_cache_put(cs, key, payload,
						    sizeof(payload), &err) < 0)
					bad = 1;
			/* What the child holds, for valgrind. */
			store_free(cs);
			sr_error_release(&err);
			git_repository_free(r);
			free(dir);
			_exit(bad ? 12 : 0);
		}
	}
	close(pipefd[0]);
	close(pipefd[1]);
	for (i = 0; i < 4; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	s = open_ok(dir);
	assert_int_equal(store_cache_get(s, key, &buf, &len), 0);
	assert_int_equal(len, 4096);
	for (i = 1; i < 4096; i++)
		assert_int_equal(buf[i], buf[0]);
	assert_true(buf[0] >= 'a' && buf[0] <= 'd');
	free(buf);
	/* No temporary files left behind. */
	assert_int_equal(cache_files(dir), 1);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

/* Threads of one process write and read entries without a lock, the
 * same key among them (two specs with the same text). */
struct cache_writer {
	const struct store *s;
	char fill;
	int bad;
};

static void *cache_writer_run(void *arg)
{
	struct cache_writer *w = arg;
	char payload[4096], *buf;
	size_t len;
	int k;

	memset(payload, w->fill, sizeof(payload));
	for (k = 0; k < 100; k++) {
		if (store_cache_put(w->s, "feedface-cafe-2", payload,
				    sizeof(payload), NULL) < 0)
			w->bad = 1;
		buf = NULL;
		if (store_cache_get(w->s, "feedface-cafe-2", &buf, &len) == 0 &&
		    (len != sizeof(payload) || memchr(buf, 0, len) ||
		     strspn(buf, "ab") != len ||
		     memchr(buf, buf[0] == 'a' ? 'b' : 'a', len)))
			w->bad = 1; /* a mix of two writers */
		free(buf);
	}
	return NULL;
}

static void test_cache_threads(void **state)
{
	char *dir = t_mkdtemp();
	git_repository *r = mkrepo(dir, 1);
	struct store *s = open_ok(dir);
	struct cache_writer w[2] = { { s, 'a', 0 }, { s, 'b', 0 } };
	pthread_t t[2];
	int i;

	(void)state;
	for (i = 0; i < 2; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, cache_writer_run, &w[i]), 0);
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	/* One entry, no temporary files left behind. */
	assert_int_equal(cache_files(store_git_dir(s)), 1);
	store_free(s);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_discover),
	    cmocka_unit_test(test_open_bare),
	    cmocka_unit_test(test_open_none),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_read_path),
	    cmocka_unit_test(test_list_specs_default),
	    cmocka_unit_test(test_too_many_specs),
	    cmocka_unit_test(test_list_specs_config),
	    cmocka_unit_test(test_config_errors_in_commit),
	    cmocka_unit_test(test_records_commit),
	    cmocka_unit_test(test_records_checked_out_refused),
	    cmocka_unit_test(test_records_lock),
	    cmocka_unit_test(test_precheck),
	    cmocka_unit_test(test_identity),
	    cmocka_unit_test(test_identity_dates),
	    cmocka_unit_test(test_concurrent_writers),
	    cmocka_unit_test(test_records_list),
	    cmocka_unit_test(test_records_list_merge),
	    cmocka_unit_test(test_cache),
	    cmocka_unit_test(test_cache_concurrent),
	    cmocka_unit_test(test_cache_threads),
	};
	int ret;

	/*
	 * Neither libgit2 nor the git program may see the user's own
	 * configuration: identities must come from where the tests put
	 * them.  Holding a libgit2 reference keeps these settings for every
	 * store_open().
	 */
	git_libgit2_init();
	g_home = t_mkdtemp();
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL,
			 g_home);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, g_home);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM,
			 g_home);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_PROGRAMDATA,
			 g_home);
	setenv("HOME", g_home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CEILING_DIRECTORIES", "/tmp", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	clear_ident_env();
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	t_rm_rf(g_home);
	free(g_home);
	git_libgit2_shutdown();
	return ret;
}
