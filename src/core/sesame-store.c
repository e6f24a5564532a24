/* sesame-store.c
 *
 * The plan lives in $XDG_CONFIG_HOME/sesame/plan.json and the last probe
 * report in $XDG_DATA_HOME/sesame/probe-report.json. Every save is atomic
 * (a new file renamed over the old one), and the file it replaces is kept
 * in a short history beside it. A plan that cannot be read is moved aside
 * under a new name, never overwritten, and the caller is told where.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-store"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sesame-store.h"

/* The files saved in the background, each in its own order */
typedef enum
{
  STORE_PLAN,
  STORE_REPORT,
  N_STORE_FILES
} StoreFile;

struct _SesameStore
{
  GObject  parent_instance;

  char    *config_dir;
  char    *data_dir;
  char    *plan_path;
  char    *report_path;

  /* Background saves: the newest of each file wins, whatever order the
   * worker threads run them in */
  GMutex   lock;
  guint64  queued[N_STORE_FILES];
  guint64  written[N_STORE_FILES];
};

G_DEFINE_FINAL_TYPE (SesameStore, sesame_store, G_TYPE_OBJECT)

static void
sesame_store_finalize (GObject *object)
{
  SesameStore *self = (SesameStore *)object;

  g_free (self->config_dir);
  g_free (self->data_dir);
  g_free (self->plan_path);
  g_free (self->report_path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sesame_store_parent_class)->finalize (object);
}

static void
sesame_store_class_init (SesameStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sesame_store_finalize;
}

static void
sesame_store_init (SesameStore *self)
{
  g_mutex_init (&self->lock);
}

/**
 * sesame_store_new:
 * @config_dir: (nullable): where the plan goes; %NULL for $XDG_CONFIG_HOME/sesame
 * @data_dir: (nullable): where probe reports go; %NULL for $XDG_DATA_HOME/sesame
 */
SesameStore *
sesame_store_new (const char *config_dir,
                  const char *data_dir)
{
  SesameStore *self = g_object_new (SESAME_TYPE_STORE, NULL);

  self->config_dir = config_dir ? g_strdup (config_dir)
                                : g_build_filename (g_get_user_config_dir (), "sesame", NULL);
  self->data_dir = data_dir ? g_strdup (data_dir)
                            : g_build_filename (g_get_user_data_dir (), "sesame", NULL);
  self->plan_path = g_build_filename (self->config_dir, "plan.json", NULL);
  self->report_path = g_build_filename (self->data_dir, "probe-report.json", NULL);

  return self;
}

const char *
sesame_store_get_plan_path (SesameStore *self)
{
  g_return_val_if_fail (SESAME_IS_STORE (self), NULL);
  return self->plan_path;
}

const char *
sesame_store_get_report_path (SesameStore *self)
{
  g_return_val_if_fail (SESAME_IS_STORE (self), NULL);
  return self->report_path;
}

static char *
timestamp (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y%m%d-%H%M%S-%f");
}

/* "plan-20261125-041200-123456.json": names sort by time */
static gboolean
is_history_name (const char *name,
                 const char *stem)
{
  return g_str_has_prefix (name, stem) && name[strlen (stem)] == '-' && g_str_has_suffix (name, ".json");
}

static GPtrArray *
list_history (const char *dir,
              const char *stem)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (is_history_name (name, stem))
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));

  return names;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Keeps the newest SESAME_STORE_HISTORY copies; the oldest go */
static void
trim_history (const char *dir,
              const char *stem)
{
  g_autoptr(GPtrArray) names = list_history (dir, stem);

  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i + SESAME_STORE_HISTORY < names->len; i++)
    g_remove (g_ptr_array_index (names, i));
}

/* Temporary files of a save that was interrupted (g_file_set_contents_full
 * writes "NAME.XXXXXX" and renames it): removed, the real file is intact */
static void
remove_stale_temporaries (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      if (g_str_has_prefix (name, base) && strlen (name) == strlen (base) + 7 && name[strlen (base)] == '.')
        {
          g_autofree char *stale = g_build_filename (dir, name, NULL);
          g_remove (stale);
        }
    }
}

static gboolean
save_with_history (const char  *path,
                   const char  *stem,
                   const char  *contents,
                   GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *stamp = timestamp ();
      g_autofree char *name = g_strdup_printf ("%s-%s.json", stem, stamp);
      g_autofree char *previous = g_build_filename (dir, name, NULL);
      g_autofree char *old = NULL;
      gsize length;

      /* A copy, not a rename: the current file stays in place until the new one replaces it */
      if (g_file_get_contents (path, &old, &length, NULL))
        g_file_set_contents_full (previous, old, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
    }

  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;

  trim_history (dir, stem);
  return TRUE;
}

/**
 * sesame_store_save_plan:
 *
 * Atomically: an interrupted save, even by SIGKILL, leaves the previous plan intact.
 */
gboolean
sesame_store_save_plan (SesameStore  *self,
                        SesamePlan   *plan,
                        GError      **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (SESAME_IS_STORE (self), FALSE);
  g_return_val_if_fail (SESAME_IS_PLAN (plan), FALSE);

  json = sesame_plan_to_json (plan);
  return save_with_history (self->plan_path, "plan", json, error);
}

/**
 * sesame_store_load_plan:
 * @self: a store
 * @catalog: the catalog
 * @moved_aside: (out) (optional) (nullable): where an unreadable plan was moved
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the saved plan; %NULL without an
 *   error when there is none yet
 */
SesamePlan *
sesame_store_load_plan (SesameStore    *self,
                        SesameCatalog  *catalog,
                        char          **moved_aside,
                        GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  SesamePlan *plan;

  g_return_val_if_fail (SESAME_IS_STORE (self), NULL);

  if (moved_aside != NULL)
    *moved_aside = NULL;

  remove_stale_temporaries (self->plan_path);

  if (!g_file_test (self->plan_path, G_FILE_TEST_EXISTS))
    return NULL;

  plan = sesame_plan_load_from_file (self->plan_path, catalog, &local_error);
  if (plan != NULL)
    return plan;

  /* A plan from a newer Sesame is kept where it is: that Sesame still reads it */
  if (!g_error_matches (local_error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_NEWER))
    {
      g_autofree char *stamp = timestamp ();
      g_autofree char *aside = g_strdup_printf ("%s.unreadable-%s", self->plan_path, stamp);

      if (g_rename (self->plan_path, aside) == 0 && moved_aside != NULL)
        *moved_aside = g_steal_pointer (&aside);
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

gboolean
sesame_store_save_report (SesameStore  *self,
                          const char   *json,
                          GError      **error)
{
  g_return_val_if_fail (SESAME_IS_STORE (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  return save_with_history (self->report_path, "probe-report", json, error);
}

/* Saving without blocking the caller's thread: the history copy and the
 * durable write (fsync) run in a worker thread */

typedef struct
{
  StoreFile  file;
  guint64    sequence;
  char      *contents;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->contents);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SesameStore *self = source_object;
  SaveJob *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean saved = TRUE;

  g_mutex_lock (&self->lock);
  /* A newer save of the same file is written already: this one is out of date */
  if (job->sequence > self->written[job->file])
    {
      saved = job->file == STORE_PLAN
        ? save_with_history (self->plan_path, "plan", job->contents, &error)
        : save_with_history (self->report_path, "probe-report", job->contents, &error);
      if (saved)
        self->written[job->file] = job->sequence;
    }
  g_mutex_unlock (&self->lock);

  if (saved)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
save_async (SesameStore         *self,
            StoreFile            file,
            char                *contents,
            gpointer             source_tag,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  SaveJob *job = g_new0 (SaveJob, 1);

  job->file = file;
  job->contents = contents;
  g_mutex_lock (&self->lock);
  job->sequence = ++self->queued[file];
  g_mutex_unlock (&self->lock);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, save_job_free);
  g_task_run_in_thread (task, save_thread);
}

/**
 * sesame_store_save_plan_async:
 * @self: a store
 * @plan: the plan, as it is now (it is written out before this returns)
 * @callback: called when it is saved
 * @user_data: data for @callback
 *
 * sesame_store_save_plan() in a worker thread. Of several saves under way,
 * the one started last is what stays on disk.
 */
void
sesame_store_save_plan_async (SesameStore         *self,
                              SesamePlan          *plan,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SESAME_IS_STORE (self));
  g_return_if_fail (SESAME_IS_PLAN (plan));

  save_async (self, STORE_PLAN, sesame_plan_to_json (plan),
              sesame_store_save_plan_async, callback, user_data);
}

gboolean
sesame_store_save_plan_finish (SesameStore   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sesame_store_save_report_async:
 * @self: a store
 * @json: a probe report as JSON
 * @callback: called when it is saved
 * @user_data: data for @callback
 *
 * sesame_store_save_report() in a worker thread; the last started wins.
 */
void
sesame_store_save_report_async (SesameStore         *self,
                                const char          *json,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (SESAME_IS_STORE (self));
  g_return_if_fail (json != NULL);

  save_async (self, STORE_REPORT, g_strdup (json),
              sesame_store_save_report_async, callback, user_data);
}

gboolean
sesame_store_save_report_finish (SesameStore   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sesame_store_load_report:
 *
 * Returns: (transfer full) (nullable): the last probe report as saved,
 *   untrusted bytes for the report's own parser; %NULL when there is none
 */
GBytes *
sesame_store_load_report (SesameStore  *self,
                          GError      **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_return_val_if_fail (SESAME_IS_STORE (self), NULL);

  remove_stale_temporaries (self->report_path);

  if (!g_file_test (self->report_path, G_FILE_TEST_EXISTS))
    return NULL;

  if (!g_file_get_contents (self->report_path, &contents, &length, error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/**
 * sesame_store_list_plan_history:
 *
 * Returns: (transfer full) (element-type filename): earlier plans, oldest first
 */
GPtrArray *
sesame_store_list_plan_history (SesameStore *self)
{
  GPtrArray *names;

  g_return_val_if_fail (SESAME_IS_STORE (self), NULL);

  names = list_history (self->config_dir, "plan");
  g_ptr_array_sort (names, compare_paths);
  return names;
}
