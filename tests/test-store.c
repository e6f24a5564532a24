/* test-store.c: the saved plan survives everything, a broken one is set aside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>

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
  g_assert_null (sesame_store_load_report (store, &error));
  g_assert_no_error (error);

  g_assert_true (sesame_store_save_plan (store, plan, &error));
  g_assert_no_error (error);
  loaded = sesame_store_load_plan (store, catalog, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sesame_plan_get_host_address (loaded), ==, "192.168.11.5");

  g_assert_true (sesame_store_save_report (store, "{\"version\": 1}\n", &error));
  report = sesame_store_load_report (store, &error);
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

  /* No half-written temporary file is left once the plan is read */
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_true (g_str_equal (name, "plan.json") || g_str_has_prefix (name, "plan-"));
  }

  g_rand_free (rand);
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

  return g_test_run ();
}
