/*
 * The sqlite3 port's boot test: real work on the kernel's files and threads.
 *
 *  1. A database file in /tmp (the writable ramfs): a table, a transaction of
 * 10,000 inserts, an index, a grouped query whose aggregates are checked
 * against values computed here, a rolled-back delete, then closed, reopened and
 * checked (PRAGMA integrity_check).
 *  2. Two threads, each with its own connection to that file, inserting
 * concurrently (SQLite's file locks through fcntl, its mutexes through
 * pthreads).
 *  3. An in-memory database: a recursive query and the same aggregates.
 *  4. WAL mode in exclusive locking mode (no shared memory).
 *  5. The database shipped in the rootfs (argv[1]), opened read-only: its rows
 * are checked against the expected sum passed as argv[2], and a write is
 * refused.
 *
 * Prints "sqlite: ok" and exits 0 when every check holds; the first failure
 * prints what differed and exits 1.
 */
#include <pthread.h>
#include <sched.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROWS        10000
#define GROUPS      7
#define THREAD_ROWS 500

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = 0;
	if (sqlite3_exec(db, sql, 0, 0, &err) != SQLITE_OK)
		fail("%s: %s", sql, err ? err : sqlite3_errmsg(db));
}

static sqlite3_int64 query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, 0) != SQLITE_OK)
		fail("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) != SQLITE_ROW)
		fail("%s: no row (%s)", sql, sqlite3_errmsg(db));
	sqlite3_int64 value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return value;
}

static void expect_text(sqlite3 *db, const char *sql, const char *want)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, 0) != SQLITE_OK)
		fail("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) != SQLITE_ROW)
		fail("%s: no row (%s)", sql, sqlite3_errmsg(db));
	const char *got = (const char *)sqlite3_column_text(stmt, 0);
	if (!got || strcmp(got, want) != 0)
		fail("%s: '%s', expected '%s'", sql, got ? got : "(null)",
		     want);
	sqlite3_finalize(stmt);
}

static sqlite3 *open_db(const char *path, int flags)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, flags, 0) != SQLITE_OK)
		fail("open %s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* The value of row i in both the file and the memory database. */
static sqlite3_int64 row_value(int i)
{
	return (sqlite3_int64)i * 37 % 1000;
}

/* SELECT grp, count(*), sum(val), min(val), max(val) ... GROUP BY grp, against
 * the values computed in C for rows 1..ROWS with grp = i % GROUPS. */
static void check_groups(sqlite3 *db, const char *table)
{
	sqlite3_int64 count[GROUPS] = {0}, sum[GROUPS] = {0}, min[GROUPS],
	              max[GROUPS];
	for (int g = 0; g < GROUPS; g++)
		min[g] = 1000, max[g] = -1;
	for (int i = 1; i <= ROWS; i++) {
		int g = i % GROUPS;
		sqlite3_int64 v = row_value(i);
		count[g]++, sum[g] += v;
		if (v < min[g])
			min[g] = v;
		if (v > max[g])
			max[g] = v;
	}
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT grp, count(*), sum(val), min(val), max(val), "
	         "sum(length(name)) FROM %s GROUP BY grp ORDER BY grp",
	         table);
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, 0) != SQLITE_OK)
		fail("prepare %s: %s", sql, sqlite3_errmsg(db));
	int groups = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		int g = sqlite3_column_int(stmt, 0);
		if (g != groups || sqlite3_column_int64(stmt, 1) != count[g] ||
		    sqlite3_column_int64(stmt, 2) != sum[g] ||
		    sqlite3_column_int64(stmt, 3) != min[g] ||
		    sqlite3_column_int64(stmt, 4) != max[g] ||
		    sqlite3_column_int64(stmt, 5) != count[g] * 6)
			fail("%s group %d: count %lld sum %lld min %lld max "
			     "%lld, "
			     "expected group %d: %lld %lld %lld %lld",
			     table, g, sqlite3_column_int64(stmt, 1),
			     sqlite3_column_int64(stmt, 2),
			     sqlite3_column_int64(stmt, 3),
			     sqlite3_column_int64(stmt, 4), groups,
			     count[groups], sum[groups], min[groups],
			     max[groups]);
		groups++;
	}
	sqlite3_finalize(stmt);
	if (groups != GROUPS)
		fail("%s: %d groups, expected %d", table, groups, GROUPS);
	printf("%s: %d groups checked\n", table, groups);
}

static void fill(sqlite3 *db)
{
	exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, "
	         "val INTEGER NOT NULL, name TEXT NOT NULL)");
	exec(db, "BEGIN");
	sqlite3_stmt *insert;
	if (sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?, ?, ?, ?)", -1,
	                       &insert, 0) != SQLITE_OK)
		fail("prepare insert: %s", sqlite3_errmsg(db));
	for (int i = 1; i <= ROWS; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%05d", i);
		sqlite3_bind_int(insert, 1, i);
		sqlite3_bind_int(insert, 2, i % GROUPS);
		sqlite3_bind_int64(insert, 3, row_value(i));
		sqlite3_bind_text(insert, 4, name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(insert) != SQLITE_DONE)
			fail("insert %d: %s", i, sqlite3_errmsg(db));
		sqlite3_reset(insert);
	}
	sqlite3_finalize(insert);
	exec(db, "COMMIT");
	exec(db, "CREATE INDEX t_grp ON t(grp, val)");
}

static void file_database(const char *path)
{
	sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	fill(db);
	if (query_int(db, "SELECT count(*) FROM t") != ROWS)
		fail("file: row count");
	/* The index answers this one (column 3 of EXPLAIN QUERY PLAN is the
	 * detail). */
	sqlite3_stmt *plan;
	if (sqlite3_prepare_v2(
	        db, "EXPLAIN QUERY PLAN SELECT max(val) FROM t WHERE grp = 3",
	        -1, &plan, 0) != SQLITE_OK ||
	    sqlite3_step(plan) != SQLITE_ROW)
		fail("query plan: %s", sqlite3_errmsg(db));
	const char *detail = (const char *)sqlite3_column_text(plan, 3);
	if (!detail || !strstr(detail, "USING COVERING INDEX t_grp"))
		fail("query plan: %s", detail ? detail : "(null)");
	sqlite3_finalize(plan);
	check_groups(db, "t");

	/* A rolled-back transaction leaves the file as it was (the rollback
	 * journal). */
	exec(db, "BEGIN; DELETE FROM t WHERE grp = 1; UPDATE t SET val = 0;");
	if (query_int(db, "SELECT sum(val) FROM t") != 0)
		fail("file: update inside the transaction");
	exec(db, "ROLLBACK");
	check_groups(db, "t");
	sqlite3_close(db);

	struct stat st;
	if (stat(path, &st) != 0)
		fail("stat %s", path);
	db = open_db(path, SQLITE_OPEN_READWRITE);
	sqlite3_int64 pages = query_int(db, "PRAGMA page_count");
	sqlite3_int64 page_size = query_int(db, "PRAGMA page_size");
	if (pages * page_size != st.st_size)
		fail("file: %lld pages of %lld bytes, the file has %lld", pages,
		     page_size, (long long)st.st_size);
	expect_text(db, "PRAGMA integrity_check", "ok");
	check_groups(db, "t");
	printf("file: %lld bytes, %lld pages, integrity ok\n",
	       (long long)st.st_size, pages);
	sqlite3_close(db);
}

struct writer {
	const char *path;
	int id;
	int failed;
	char error[128];
};

/* One connection per thread, each inserting THREAD_ROWS rows in small
 * transactions, so that the two interleave and wait for each other's locks
 * (busy timeout). */
static void *write_rows(void *arg)
{
	struct writer *w = arg;
	sqlite3 *db = open_db(w->path, SQLITE_OPEN_READWRITE);
	for (int i = 0; i < THREAD_ROWS && !w->failed; i += 50) {
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0) != SQLITE_OK) {
			snprintf(w->error, sizeof w->error, "begin: %s",
			         sqlite3_errmsg(db));
			w->failed = 1;
			break;
		}
		for (int j = i; j < i + 50; j++) {
			char sql[128];
			snprintf(sql, sizeof sql,
			         "INSERT INTO w(thread, n) VALUES(%d, %d)",
			         w->id, j);
			if (sqlite3_exec(db, sql, 0, 0, 0) != SQLITE_OK) {
				snprintf(w->error, sizeof w->error,
				         "insert: %s", sqlite3_errmsg(db));
				w->failed = 1;
				break;
			}
		}
		if (sqlite3_exec(db, w->failed ? "ROLLBACK" : "COMMIT", 0, 0,
		                 0) != SQLITE_OK &&
		    !w->failed) {
			snprintf(w->error, sizeof w->error, "commit: %s",
			         sqlite3_errmsg(db));
			w->failed = 1;
		}
		sched_yield();
	}
	sqlite3_close(db);
	return 0;
}

static void threads(const char *path)
{
	sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE);
	exec(db, "CREATE TABLE w(thread INTEGER, n INTEGER)");
	struct writer writers[2] = {{path, 1, 0, ""}, {path, 2, 0, ""}};
	pthread_t tids[2];
	for (int i = 0; i < 2; i++)
		if (pthread_create(&tids[i], 0, write_rows, &writers[i]) != 0)
			fail("pthread_create");
	for (int i = 0; i < 2; i++) {
		pthread_join(tids[i], 0);
		if (writers[i].failed)
			fail("thread %d: %s", writers[i].id, writers[i].error);
	}
	for (int id = 1; id <= 2; id++) {
		char sql[96];
		snprintf(sql, sizeof sql,
		         "SELECT count(DISTINCT n) FROM w WHERE thread = %d",
		         id);
		if (query_int(db, sql) != THREAD_ROWS)
			fail("thread %d: rows missing", id);
	}
	expect_text(db, "PRAGMA integrity_check", "ok");
	printf("threads: 2 connections wrote %d rows\n", 2 * THREAD_ROWS);
	sqlite3_close(db);
}

static void memory_database(void)
{
	sqlite3 *db = open_db(":memory:", SQLITE_OPEN_READWRITE);
	exec(db, "CREATE TABLE m(id INTEGER PRIMARY KEY, grp INTEGER, val "
	         "INTEGER, name TEXT)");
	exec(db,
	     "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
	     "WHERE i < 10000) "
	     "INSERT INTO m SELECT i, i % 7, i * 37 % 1000, printf('n%05d', i) "
	     "FROM c");
	exec(db, "CREATE INDEX m_name ON m(name)");
	check_groups(db, "m");
	expect_text(
	    db,
	    "SELECT name FROM m WHERE name > 'n09998' ORDER BY name LIMIT 1",
	    "n09999");
	expect_text(
	    db, "SELECT json_extract(json_object('n', 42), '$.n') || ''", "42");
	expect_text(db, "PRAGMA integrity_check", "ok");
	printf("memory: checked\n");
	sqlite3_close(db);
}

/* WAL mode without shared memory (the kernel maps no files): in exclusive
 * locking mode SQLite keeps the WAL index in the heap. */
static void wal_database(const char *path)
{
	sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	expect_text(db, "PRAGMA locking_mode=EXCLUSIVE", "exclusive");
	expect_text(db, "PRAGMA journal_mode=WAL", "wal");
	exec(db, "CREATE TABLE k(v INTEGER); BEGIN");
	for (int i = 1; i <= 100; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "INSERT INTO k VALUES(%d)", i);
		exec(db, sql);
	}
	exec(db, "COMMIT");
	if (query_int(db, "SELECT sum(v) FROM k") != 5050)
		fail("wal: sum");
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	expect_text(db, "PRAGMA integrity_check", "ok");
	sqlite3_close(db);
	/* The file stays in WAL mode: every later connection asks for exclusive
	 * mode first. */
	db = open_db(path, SQLITE_OPEN_READWRITE);
	expect_text(db, "PRAGMA locking_mode=EXCLUSIVE", "exclusive");
	if (query_int(db, "SELECT count(*) FROM k") != 100)
		fail("wal: rows after reopening");
	expect_text(db, "PRAGMA journal_mode", "wal");
	sqlite3_close(db);
	printf("wal: exclusive mode checked\n");
}

static void shipped_database(const char *path, sqlite3_int64 expected_sum)
{
	sqlite3 *db = open_db(path, SQLITE_OPEN_READONLY);
	sqlite3_int64 rows = query_int(db, "SELECT count(*) FROM shipped");
	sqlite3_int64 sum =
	    query_int(db, "SELECT sum(length(word) * id) FROM shipped");
	if (sum != expected_sum)
		fail("shipped: sum %lld, expected %lld", sum, expected_sum);
	expect_text(db, "PRAGMA integrity_check", "ok");
	if (sqlite3_exec(db, "INSERT INTO shipped(word) VALUES('x')", 0, 0,
	                 0) != SQLITE_READONLY)
		fail("shipped: a write was not refused (%s)",
		     sqlite3_errmsg(db));
	printf("shipped: %lld rows read, writes refused\n", rows);
	sqlite3_close(db);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		fail("usage: %s SHIPPED.db EXPECTED-SUM", argv[0]);
	printf("sqlite %s, threadsafe %d\n", sqlite3_libversion(),
	       sqlite3_threadsafe());
	if (strcmp(sqlite3_libversion(), SQLITE_VERSION) != 0 ||
	    sqlite3_threadsafe() != 1 ||
	    !sqlite3_compileoption_used("OMIT_LOAD_EXTENSION"))
		fail("unexpected build of SQLite");
	file_database("/tmp/kraft-test.db");
	threads("/tmp/kraft-test.db");
	memory_database();
	wal_database("/tmp/kraft-wal.db");
	shipped_database(argv[1], atoll(argv[2]));
	printf("sqlite: ok\n");
	return 0;
}
