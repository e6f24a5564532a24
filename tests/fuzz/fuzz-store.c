/* fuzz-store.c: the saved plan and the saved probe report, read back from the
 * person's own directories as untrusted files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is written as the saved plan and as the saved probe report of a store
 * in a temporary directory, and read back as the wizard reads them at start: a plan
 * that loads saves and loads again to the same plan; one that does not is moved
 * aside intact (left in place when a newer Sesame wrote it). A report that loads
 * goes into the settings report, as `sesame-cli report` writes it, in every text
 * format, redacted too.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sesame-plan.h"
#include "sesame-probe-report.h"
#include "sesame-export.h"
#include "sesame-settings-report.h"
#include "sesame-store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static SesameCatalog *catalog;
static SesameChecklist *checklist;
static SesameStore *store;
static char *config_dir;
static char *data_dir;

static const char seed_plan[] =
  "{\"version\": 1,"
  " \"router\": {\"id\": \"buffalo-bbr-4mg\", \"lan_address\": \"192.168.11.1\"},"
  " \"host\": {\"name\": \"Mac mini\", \"address\": \"192.168.11.5\", \"os\": \"macos\"},"
  " \"services\": [\"http\", \"ssh\", \"vnc\"]}";

static void
remove_all (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert (g_unlink (path) == 0);
    }
}

static void
cleanup (void)
{
  g_autofree char *root = g_path_get_dirname (config_dir);

  remove_all (config_dir);
  remove_all (data_dir);
  g_rmdir (config_dir);
  g_rmdir (data_dir);
  g_rmdir (root);
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (seed_plan, strlen (seed_plan));
  g_autoptr(SesamePlan) plan = NULL;
  char *root;

  root = g_dir_make_tmp ("sesame-fuzz-store-XXXXXX", &error);
  g_assert_no_error (error);
  config_dir = g_build_filename (root, "config", NULL);
  data_dir = g_build_filename (root, "data", NULL);
  g_assert (g_mkdir (config_dir, 0700) == 0 && g_mkdir (data_dir, 0700) == 0);
  g_free (root);
  atexit (cleanup);

  store = sesame_store_new (config_dir, data_dir);
  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  plan = sesame_plan_load_from_bytes (bytes, catalog, &error);
  g_assert_no_error (error);
  checklist = sesame_checklist_new (plan, catalog, "en", &error);
  g_assert_no_error (error);
}

static void
check_plan (const uint8_t *data,
            size_t         size)
{
  const char *path = sesame_store_get_plan_path (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autofree char *moved_aside = NULL;

  remove_all (config_dir);
  g_assert (g_file_set_contents (path, (const char *) data, size, NULL));

  plan = sesame_store_load_plan (store, catalog, &moved_aside, &error);

  if (plan != NULL)
    {
      g_autoptr(SesamePlan) again = NULL;
      g_autofree char *json = sesame_plan_to_json (plan);
      g_autofree char *json_again = NULL;

      g_assert (error == NULL && moved_aside == NULL);
      g_assert (sesame_store_save_plan (store, plan, &error));
      again = sesame_store_load_plan (store, catalog, &moved_aside, &error);
      g_assert_no_error (error);
      g_assert (again != NULL && moved_aside == NULL);
      json_again = sesame_plan_to_json (again);
      g_assert_cmpstr (json, ==, json_again);
    }
  else
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert (error != NULL);
      g_assert (g_utf8_validate (error->message, -1, NULL));

      /* Never lost and never half-read: kept whole where it is or beside it */
      if (error->code == SESAME_PLAN_ERROR_NEWER)
        {
          g_assert (moved_aside == NULL);
          g_assert (g_file_get_contents (path, &contents, &length, NULL));
        }
      else
        {
          g_assert (moved_aside != NULL);
          g_assert (!g_file_test (path, G_FILE_TEST_EXISTS));
          g_assert (g_file_get_contents (moved_aside, &contents, &length, NULL));
        }
      g_assert (length == size && memcmp (contents, data, size) == 0);
    }
}

static void
check_report (const uint8_t *data,
              size_t         size)
{
  static const SesameExportFormat formats[] = {
    SESAME_EXPORT_FORMAT_TEXT, SESAME_EXPORT_FORMAT_MARKDOWN,
    SESAME_EXPORT_FORMAT_HTML, SESAME_EXPORT_FORMAT_JSON,
  };
  const char *path = sesame_store_get_report_path (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(SesameProbeReport) report = NULL;
  g_autofree char *moved_aside = NULL;

  remove_all (data_dir);
  g_assert (g_file_set_contents (path, (const char *) data, size, NULL));

  saved = sesame_store_load_report (store, &moved_aside, &error);
  if (saved == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      /* Not even a report to look at: moved aside whole, with the reason */
      g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));
      g_assert (moved_aside != NULL && !g_file_test (path, G_FILE_TEST_EXISTS));
      g_assert (g_file_get_contents (moved_aside, &contents, &length, NULL));
      g_assert (length == size && memcmp (contents, data, size) == 0);
      return;
    }
  g_assert_no_error (error);
  g_assert (moved_aside == NULL);
  g_assert (g_bytes_get_size (saved) == size && memcmp (g_bytes_get_data (saved, NULL), data, size) == 0);

  report = sesame_probe_report_new_from_json (saved, &error);
  if (report == NULL)
    {
      g_assert (error != NULL);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      SesameExportSource source = { .checklist = checklist, .catalog = catalog, .probe = report };

      for (guint redact = 0; redact <= 1; redact++)
        {
          g_autoptr(GBytes) written = sesame_export_write (&source, SESAME_DOCUMENT_SETTINGS_REPORT,
                                                           formats[i], redact, &error);

          g_assert_no_error (error);
          g_assert (written != NULL && g_utf8_validate (g_bytes_get_data (written, NULL),
                                                        g_bytes_get_size (written), NULL));
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (store == NULL)
    setup ();

  check_plan (data, size);
  check_report (data, size);

  return 0;
}
