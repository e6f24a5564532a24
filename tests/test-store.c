/* test-store.c: the saved plan survives everything, a broken one is set aside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sesame-file.h"
#include "sesame-json.h"
#include "sesame-store.h"

static SesameCatalog *catalog;

static SesamePlan *
plan_with_address (const char *address)
{
  SesamePlan *plan = sesame_plan_new ();

  sesame_plan_set_host_address (plan, address);
  sesame_plan_add_service (plan, "ssh");
  return plan;
}

/* Inside the test's own isolated directories, which GLib removes afterwards */
static char *
make_dir (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "store", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(SesamePlan) plan = plan_with_address ("192.168.11.5");
  g_autoptr(SesamePlan) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) report = NULL;

  /* Nothing saved yet: no plan, no error */
  g_assert_null (sesame_store_load_plan (store, catalog, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (sesame_store_load_report (store, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (sesame_store_save_plan (store, plan, &error));
  g_assert_no_error (error);
  loaded = sesame_store_load_plan (store, catalog, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sesame_plan_get_host_address (loaded), ==, "192.168.11.5");

  g_assert_true (sesame_store_save_report (store, "{\"version\": 1}\n", NULL, &error));
  report = sesame_store_load_report (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (report, NULL), g_bytes_get_size (report), "{\"version\": 1}\n", 15);
}

/* Each save keeps the plan it replaces, up to a few */
static void
test_history (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= SESAME_STORE_HISTORY + 3; i++)
    {
      g_autofree char *address = g_strdup_printf ("192.168.11.%u", i);
      g_autoptr(SesamePlan) plan = plan_with_address (address);

      g_assert_true (sesame_store_save_plan (store, plan, &error));
      g_assert_no_error (error);
      g_usleep (2000);
    }

  history = sesame_store_list_plan_history (store);
  g_assert_cmpuint (history->len, ==, SESAME_STORE_HISTORY);

  /* The newest earlier plan is the one before the last save */
  {
    g_autoptr(SesamePlan) previous = sesame_plan_load_from_file (g_ptr_array_index (history, history->len - 1),
                                                                catalog, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sesame_plan_get_host_address (previous), ==, "192.168.11.7");
  }
}

/* An unreadable plan is moved aside with its contents, never overwritten */
static void
test_corrupt (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *contents = NULL;
  SesamePlan *plan;

  g_assert_true (g_file_set_contents (sesame_store_get_plan_path (store), "{ \"version\": 1, \"router\": ", -1, NULL));

  plan = sesame_store_load_plan (store, catalog, &moved, &error);
  g_assert_null (plan);
  g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
  g_assert_nonnull (moved);
  g_assert_false (g_file_test (sesame_store_get_plan_path (store), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (moved, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "{ \"version\": 1, \"router\": ");

  /* A plan from a newer Sesame stays where it is */
  g_clear_error (&error);
  g_clear_pointer (&moved, g_free);
  g_assert_true (g_file_set_contents (sesame_store_get_plan_path (store), "{ \"version\": 9 }", -1, NULL));
  plan = sesame_store_load_plan (store, catalog, &moved, &error);
  g_assert_null (plan);
  g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_NEWER);
  g_assert_null (moved);
  g_assert_true (g_file_test (sesame_store_get_plan_path (store), G_FILE_TEST_EXISTS));
}

/* The child: saves two plans in turn as fast as it can, until killed */
static int
save_loop (const char *dir)
{
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(SesamePlan) a = plan_with_address ("192.168.11.5");
  g_autoptr(SesamePlan) b = plan_with_address ("10.0.1.5");

  for (guint i = 0;; i++)
    if (!sesame_store_save_plan (store, i % 2 ? b : a, NULL))
      return 1;
}

/* SIGKILL at any point of a save leaves a whole plan, the old or the new */
static void
test_kill_during_save (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(SesamePlan) first = plan_with_address ("172.16.0.5");
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (5);

  g_assert_true (sesame_store_save_plan (store, first, &error));

  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(SesamePlan) plan = NULL;
      g_autofree char *moved = NULL;
      const char *address;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "/proc/self/exe", "--save-loop", dir, NULL);
      g_assert_no_error (error);
      g_usleep (g_rand_int_range (rand, 1000, 40000));
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, NULL);

      plan = sesame_store_load_plan (store, catalog, &moved, &error);
      g_assert_no_error (error);
      g_assert_nonnull (plan);
      g_assert_null (moved);
      address = sesame_plan_get_host_address (plan);
      g_assert_true (g_str_equal (address, "172.16.0.5") || g_str_equal (address, "192.168.11.5") ||
                     g_str_equal (address, "10.0.1.5"));
    }

  /* No half-written temporary file is left once the plan is saved again
   * (reading it removes nothing) */
  g_assert_true (sesame_store_save_plan (store, first, &error));
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_true (g_str_equal (name, "plan.json") || g_str_has_prefix (name, "plan-"));
  }

  g_rand_free (rand);
}

static char *
read_text (const char *path)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static guint
count_names (const char *dir,
             const char *prefix)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, prefix))
      n++;

  return n;
}

#define GOOD_REPORT "{\"version\": 1, \"finished_at\": \"good\"}\n"
#define BAD_REPORT "{\"version\": 1, \"nat\": "

/* A damaged report is moved aside with the reason, once: the next load has none */
static void
test_report_corrupt (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (sesame_store_get_report_path (store), BAD_REPORT, -1, NULL));

  g_assert_null (sesame_store_load_report (store, &moved, &error));
  g_assert_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_SYNTAX);
  g_assert_nonnull (moved);
  g_assert_true (g_str_has_prefix (moved, sesame_store_get_report_path (store)));
  g_assert_nonnull (strstr (moved, ".unreadable-"));
  contents = read_text (moved);
  g_assert_cmpstr (contents, ==, BAD_REPORT);
  g_assert_false (g_file_test (sesame_store_get_report_path (store), G_FILE_TEST_EXISTS));

  g_clear_error (&error);
  g_clear_pointer (&moved, g_free);
  g_assert_null (sesame_store_load_report (store, &moved, &error));
  g_assert_no_error (error);
  g_assert_null (moved);
}

/* Saving over a damaged report moves it aside instead of rotating it into
 * the history, where it would push out the good copies */
static void
test_report_no_bad_rotation (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_assert_true (sesame_store_save_report (store, GOOD_REPORT, NULL, &error));
  g_usleep (2000);
  g_assert_true (g_file_set_contents (sesame_store_get_report_path (store), BAD_REPORT, -1, NULL));

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *aside = NULL;

      g_assert_true (sesame_store_save_report (store, GOOD_REPORT, &aside, &error));
      g_assert_no_error (error);
      if (i == 0)
        moved = g_steal_pointer (&aside);
      else
        g_assert_null (aside);
      g_usleep (2000);
    }

  g_assert_nonnull (moved);
  g_assert_cmpuint (count_names (dir, "probe-report.json.unreadable-"), ==, 1);

  /* Every copy in the history is a good one */
  g_assert_cmpuint (count_names (dir, "probe-report-"), ==, 2);
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "probe-report-"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *contents = read_text (path);

        g_assert_cmpstr (contents, ==, GOOD_REPORT);
      }
}

/* A FIFO does not block, a 2 MiB file is not read; both go aside */
static void
test_report_not_small_file (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autofree char *big = g_strnfill (2 * 1024 * 1024, ' ');
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  GStatBuf st;

  g_assert_cmpint (mkfifo (sesame_store_get_report_path (store), 0600), ==, 0);
  alarm (20);   /* a hang is a failure */
  g_assert_null (sesame_store_load_report (store, &moved, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR);
  g_assert_nonnull (moved);
  g_assert_cmpint (g_lstat (moved, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));

  g_clear_error (&error);
  g_clear_pointer (&moved, g_free);
  big[0] = '{';
  g_assert_true (g_file_set_contents (sesame_store_get_report_path (store), big, -1, NULL));
  g_assert_null (sesame_store_load_report (store, &moved, &error));
  g_assert_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (moved);
  alarm (0);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The wizard reads the report in a worker thread, through the same checks */
static void
test_report_async (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) bad_result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;

  g_assert_true (sesame_store_save_report (store, GOOD_REPORT, NULL, &error));
  sesame_store_load_report_async (store, NULL, loaded_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  bytes = sesame_store_load_report_finish (store, result, &moved, &error);
  g_assert_no_error (error);
  g_assert_null (moved);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), GOOD_REPORT, strlen (GOOD_REPORT));

  g_assert_true (g_file_set_contents (sesame_store_get_report_path (store), "\x89PNG\r\n", -1, NULL));
  sesame_store_load_report_async (store, NULL, loaded_cb, &bad_result);
  while (bad_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (sesame_store_load_report_finish (store, bad_result, &moved, &error));
  g_assert_error (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_NOT_TEXT);
  g_assert_nonnull (moved);
}

/* Only files the store named itself are ever removed: a person's copies
 * beside the plan survive loading and saving, and loading removes nothing */
static void
test_user_files_kept (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(SesamePlan) plan = plan_with_address ("192.168.11.5");
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) loaded = NULL;
  g_autoptr(GBytes) report = NULL;
  g_autofree char *stale_plan = g_build_filename (dir, ".plan.json.sesame-tmp-Ab12Cd", NULL);
  g_autofree char *stale_report = g_build_filename (dir, ".probe-report.json.sesame-tmp-Ab12Cd", NULL);
  const char *mine[] = {
    "plan.json.backup", "plan.json.Ab12Cd", "probe-report.json.backup", "probe-report.json.123456",
    "plan-old.json", "plan-2024.json", "probe-report-mine.json",
  };

  g_assert_true (sesame_store_save_plan (store, plan, &error));
  g_assert_true (sesame_store_save_report (store, GOOD_REPORT, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
    {
      g_autofree char *path = g_build_filename (dir, mine[i], NULL);
      g_assert_true (g_file_set_contents (path, "mine", -1, NULL));
    }
  g_assert_true (g_file_set_contents (stale_plan, "half", -1, NULL));
  g_assert_true (g_file_set_contents (stale_report, "half", -1, NULL));

  /* Reading removes nothing at all, not even a stale temporary */
  loaded = sesame_store_load_plan (store, catalog, NULL, &error);
  g_assert_no_error (error);
  report = sesame_store_load_report (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (stale_plan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (stale_report, G_FILE_TEST_EXISTS));

  /* More saves than the history keeps: the history is trimmed, the person's files stay */
  for (guint i = 0; i < SESAME_STORE_HISTORY + 2; i++)
    {
      g_assert_true (sesame_store_save_plan (store, plan, &error));
      g_assert_true (sesame_store_save_report (store, GOOD_REPORT, NULL, &error));
      g_assert_no_error (error);
      g_usleep (2000);
    }

  for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
    {
      g_autofree char *path = g_build_filename (dir, mine[i], NULL);
      g_autofree char *contents = read_text (path);

      g_assert_cmpstr (contents, ==, "mine");
    }

  /* Sesame's own temporaries, left by a save that was killed, are gone */
  g_assert_false (g_file_test (stale_plan, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (stale_report, G_FILE_TEST_EXISTS));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (sesame_store_save_plan_finish (SESAME_STORE (object), result, &error));
  g_assert_no_error (error);
  (*done)++;
}

/* Saves in worker threads: whatever order they run in, the last one
 * started is what the file holds */
static void
test_save_async (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(SesameStore) store = sesame_store_new (dir, dir);
  g_autoptr(SesamePlan) loaded = NULL;
  g_autoptr(GError) error = NULL;
  guint done = 0;
  char address[32];

  for (guint i = 1; i <= 20; i++)
    {
      g_autoptr(SesamePlan) plan = NULL;

      g_snprintf (address, sizeof address, "192.168.11.%u", i);
      plan = plan_with_address (address);
      sesame_store_save_plan_async (store, plan, saved_cb, &done);
    }

  while (done < 20)
    g_main_context_iteration (NULL, TRUE);

  loaded = sesame_store_load_plan (store, catalog, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sesame_plan_get_host_address (loaded), ==, "192.168.11.20");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  if (argc == 3 && g_str_equal (argv[1], "--save-loop"))
    return save_loop (argv[2]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  g_test_add_func ("/store/round-trip", test_round_trip);
  g_test_add_func ("/store/save-async", test_save_async);
  g_test_add_func ("/store/history", test_history);
  g_test_add_func ("/store/corrupt", test_corrupt);
  g_test_add_func ("/store/kill-during-save", test_kill_during_save);
  g_test_add_func ("/store/report-corrupt", test_report_corrupt);
  g_test_add_func ("/store/report-no-bad-rotation", test_report_no_bad_rotation);
  g_test_add_func ("/store/report-not-small-file", test_report_not_small_file);
  g_test_add_func ("/store/report-async", test_report_async);
  g_test_add_func ("/store/user-files-kept", test_user_files_kept);

  return g_test_run ();
}
