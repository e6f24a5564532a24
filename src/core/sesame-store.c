/* sesame-store.c
 *
 * The plan lives in $XDG_CONFIG_HOME/sesame/plan.json and the last probe
 * report in $XDG_DATA_HOME/sesame/probe-report.json. Every save is atomic
 * (sesame_file_replace(): a new file renamed over the old one), and the
 * file it replaces is kept in a short history beside it, but only when it
 * can be read: a damaged file is never rotated into the history, where it
 * would push out the good copies. A plan or a report that cannot be read
 * is moved aside under a new name, never overwritten, and the caller is
 * told where and why. Loading reads and moves aside, it never deletes
 * anything; the store deletes only history copies it named itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-store"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sesame-file.h"
#include "sesame-json.h"
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

/* "plan-20261125-041200-123456.json": names sort by time. Only names of
 * exactly this form are history, so that no other file is ever trimmed. */
static gboolean
is_history_name (const char *name,
                 const char *stem)
{
  static const char shape[] = "00000000-000000-000000.json";
  gsize stem_length = strlen (stem);

  if (!g_str_has_prefix (name, stem) || name[stem_length] != '-')
    return FALSE;

  name += stem_length + 1;
  if (strlen (name) != strlen (shape))
    return FALSE;

  for (guint i = 0; shape[i] != '\0'; i++)
    if (shape[i] == '0' ? !g_ascii_isdigit (name[i]) : name[i] != shape[i])
      return FALSE;

  return TRUE;
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

/* What the store itself asks of a file before keeping it in the history:
 * JSON that is an object with a "version". The plan's and the report's own
 * parsers decide the rest when the file is used. */
static GBytes *
read_saved (const char  *path,
            GError     **error)
{
  g_autoptr(GBytes) bytes = sesame_file_read (path, SESAME_FILE_MAX_SIZE, error);
  g_autoptr(JsonNode) root = NULL;
  JsonNode *version;

  if (bytes == NULL || !(root = sesame_json_parse_bytes (bytes, SESAME_FILE_MAX_SIZE, error)))
    return NULL;

  version = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "version") : NULL;
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      g_set_error_literal (error, SESAME_JSON_ERROR, SESAME_JSON_ERROR_SYNTAX,
                           _("this is not a file Sesame saved: it has no version"));
      return NULL;
    }

  return g_steal_pointer (&bytes);
}

/* "plan.json.unreadable-20261125-041200-123456": kept for the person, out of the way */
static char *
move_aside (const char *path)
{
  g_autofree char *stamp = timestamp ();
  g_autofree char *aside = g_strdup_printf ("%s.unreadable-%s", path, stamp);

  if (g_rename (path, aside) != 0)
    {
      g_warning ("Cannot move %s aside: %s", path, g_strerror (errno));
      return NULL;
    }

  return g_steal_pointer (&aside);
}

/* The file about to be replaced goes into the history when it is good, and
 * aside when it is not; a file that is not there needs nothing */
static void
keep_previous (const char  *path,
               const char  *dir,
               const char  *stem,
               char       **moved_aside)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) previous = read_saved (path, &error);
  g_autofree char *stamp = NULL;
  g_autofree char *name = NULL;
  g_autofree char *history = NULL;
  GStatBuf st;

  if (previous == NULL)
    {
      if (g_lstat (path, &st) == 0)
        {
          g_autofree char *aside = move_aside (path);

          g_debug ("%s cannot be read (%s); moved to %s", path, error->message, aside);
          if (moved_aside != NULL)
            *moved_aside = g_steal_pointer (&aside);
        }
      return;
    }

  stamp = timestamp ();
  name = g_strdup_printf ("%s-%s.json", stem, stamp);
  history = g_build_filename (dir, name, NULL);

  /* A second name for the same file, not a rename: the current file stays
   * in place until the new one replaces it. A copy where links are not made. */
  if (link (path, history) != 0)
    {
      gsize length;
      const char *data = g_bytes_get_data (previous, &length);

      g_clear_error (&error);
      if (!sesame_file_replace (history, data, length, 0600, &error))
        g_debug ("Cannot keep %s in the history: %s", path, error->message);
    }
}

static gboolean
save_with_history (const char  *path,
                   const char  *stem,
                   const char  *contents,
                   char       **moved_aside,
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

  keep_previous (path, dir, stem, moved_aside);

  if (!sesame_file_replace (path, contents, strlen (contents), 0600, error))
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
  gboolean saved;

  g_return_val_if_fail (SESAME_IS_STORE (self), FALSE);
  g_return_val_if_fail (SESAME_IS_PLAN (plan), FALSE);

  json = sesame_plan_to_json (plan);
  g_mutex_lock (&self->lock);
  saved = save_with_history (self->plan_path, "plan", json, NULL, error);
  g_mutex_unlock (&self->lock);

  return saved;
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

  if (!g_file_test (self->plan_path, G_FILE_TEST_EXISTS))
    return NULL;

  plan = sesame_plan_load_from_file (self->plan_path, catalog, &local_error);
  if (plan != NULL)
    return plan;

  /* A plan from a newer Sesame is kept where it is: that Sesame still reads it */
  if (!g_error_matches (local_error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_NEWER))
    {
      g_autofree char *aside = move_aside (self->plan_path);

      if (moved_aside != NULL)
        *moved_aside = g_steal_pointer (&aside);
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * sesame_store_save_report:
 * @self: a store
 * @json: a probe report as JSON
 * @moved_aside: (out) (optional) (nullable): where the report it replaces
 *   was moved because it could not be read
 * @error: return location for a #GError
 *
 * Keeps @json as the latest report, the one before it in the history.
 */
gboolean
sesame_store_save_report (SesameStore  *self,
                          const char   *json,
                          char        **moved_aside,
                          GError      **error)
{
  gboolean saved;

  g_return_val_if_fail (SESAME_IS_STORE (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  if (moved_aside != NULL)
    *moved_aside = NULL;

  g_mutex_lock (&self->lock);
  saved = save_with_history (self->report_path, "probe-report", json, moved_aside, error);
  g_mutex_unlock (&self->lock);

  return saved;
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
        ? save_with_history (self->plan_path, "plan", job->contents, NULL, &error)
        : save_with_history (self->report_path, "probe-report", job->contents, NULL, &error);
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

static GBytes *
load_report (SesameStore  *self,
             char        **moved_aside,
             GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  g_mutex_lock (&self->lock);
  bytes = read_saved (self->report_path, &local_error);

  /* A file that is damaged, too large or not a file at all is moved aside
   * with the reason, so that the next run starts clean; one that cannot be
   * read for now (permissions, a disk error) stays where it is */
  if (bytes == NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
      local_error->domain != G_IO_ERROR)
    *moved_aside = move_aside (self->report_path);
  g_mutex_unlock (&self->lock);

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return NULL;
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return bytes;
}

/**
 * sesame_store_load_report:
 * @self: a store
 * @moved_aside: (out) (optional) (nullable): where an unreadable report was moved
 * @error: return location for a #GError, the reason it cannot be read
 *
 * Reads the last report kept, a regular file of at most
 * %SESAME_FILE_MAX_SIZE. One that cannot be read is moved aside, and the
 * error says why. Nothing is removed.
 *
 * Returns: (transfer full) (nullable): the last probe report as saved,
 *   untrusted bytes for the report's own parser; %NULL without an error
 *   when there is none
 */
GBytes *
sesame_store_load_report (SesameStore  *self,
                          char        **moved_aside,
                          GError      **error)
{
  g_autofree char *aside = NULL;
  GBytes *bytes;

  g_return_val_if_fail (SESAME_IS_STORE (self), NULL);

  bytes = load_report (self, &aside, error);
  if (moved_aside != NULL)
    *moved_aside = g_steal_pointer (&aside);

  return bytes;
}

typedef struct
{
  GBytes *bytes;         /* nullable */
  char   *moved_aside;   /* nullable */
} LoadedReport;

static void
loaded_report_free (gpointer data)
{
  LoadedReport *loaded = data;

  g_clear_pointer (&loaded->bytes, g_bytes_unref);
  g_free (loaded->moved_aside);
  g_free (loaded);
}

static void
load_report_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  LoadedReport *loaded = task_data;

  /* The file moved aside is told even with the error */
  loaded->bytes = load_report (source_object, &loaded->moved_aside, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sesame_store_load_report_async:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is read
 * @user_data: data for @callback
 *
 * sesame_store_load_report() in a worker thread: nothing of it runs on the
 * caller's main loop. It waits for saves under way to finish.
 */
void
sesame_store_load_report_async (SesameStore         *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SESAME_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_store_load_report_async);
  g_task_set_task_data (task, g_new0 (LoadedReport, 1), loaded_report_free);
  g_task_run_in_thread (task, load_report_thread);
}

/**
 * sesame_store_load_report_finish:
 * @self: a store
 * @result: the result
 * @moved_aside: (out) (optional) (nullable): where an unreadable report was moved
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): as sesame_store_load_report()
 */
GBytes *
sesame_store_load_report_finish (SesameStore   *self,
                                 GAsyncResult  *result,
                                 char         **moved_aside,
                                 GError       **error)
{
  LoadedReport *loaded;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  loaded = g_task_get_task_data (G_TASK (result));
  if (moved_aside != NULL)
    *moved_aside = g_steal_pointer (&loaded->moved_aside);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  return loaded->bytes ? g_bytes_ref (loaded->bytes) : NULL;
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
