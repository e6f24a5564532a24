/* sesame-listen-check.c
 *
 * Reads the kernel's socket tables (/proc/net/tcp, tcp6, udp, udp6), which
 * show every socket on the machine, so no privileges are needed and nothing
 * is sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-listen-check"

#include "config.h"

#include <string.h>

#include "sesame-file.h"
#include "sesame-listen-check.h"

#define TCP_LISTEN 0x0A
#define UDP_UNCONNECTED 0x07

/**
 * sesame_proc_net_has_listener:
 * @proc_net_text: the text of /proc/net/tcp (or tcp6, udp, udp6)
 * @port: the port
 * @tcp: whether the table is a TCP one
 *
 * Returns: %TRUE if a socket listens (TCP) or is bound and unconnected (UDP) on @port
 */
gboolean
sesame_proc_net_has_listener (const char *proc_net_text,
                              guint16     port,
                              gboolean    tcp)
{
  g_auto(GStrv) lines = NULL;

  if (proc_net_text == NULL)
    return FALSE;

  lines = g_strsplit (proc_net_text, "\n", 65536);

  /* "  sl  local_address rem_address   st …"; the first line names the columns */
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", 8);
      g_autoptr(GPtrArray) columns = g_ptr_array_new ();
      const char *local;
      const char *colon;
      guint64 local_port;
      guint64 state;
      char *end = NULL;

      for (guint f = 0; fields[f] != NULL; f++)
        if (*fields[f] != '\0')
          g_ptr_array_add (columns, fields[f]);

      if (columns->len < 4)
        continue;

      local = g_ptr_array_index (columns, 1);
      colon = strrchr (local, ':');
      if (colon == NULL || strlen (colon + 1) != 4)
        continue;

      local_port = g_ascii_strtoull (colon + 1, &end, 16);
      if (end == NULL || *end != '\0' || local_port != port)
        continue;

      state = g_ascii_strtoull (g_ptr_array_index (columns, 3), &end, 16);
      if (end == NULL || *end != '\0')
        continue;

      if (state == (tcp ? TCP_LISTEN : UDP_UNCONNECTED))
        return TRUE;
    }

  return FALSE;
}

struct _SesameListenTables
{
  char *text[4];   /* nullable each: tcp, tcp6, udp, udp6 */
};

/* About 150 bytes a socket: room for some 200 000 on a busy server */
#define SOCKET_TABLE_MAX_SIZE (32 * 1024 * 1024)

static const char * const table_paths[] = {
  "/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6",
};

void
sesame_listen_tables_free (SesameListenTables *tables)
{
  if (tables == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (tables->text); i++)
    g_free (tables->text[i]);
  g_free (tables);
}

/**
 * sesame_listen_tables_read:
 *
 * Reads the socket tables, blocking: each read walks the kernel's whole
 * hash table, milliseconds on a busy machine. From the main thread use
 * sesame_listen_tables_read_async().
 *
 * Returns: (transfer full): the tables; those that cannot be read are missing
 */
SesameListenTables *
sesame_listen_tables_read (void)
{
  SesameListenTables *tables = g_new0 (SesameListenTables, 1);

  for (guint i = 0; i < G_N_ELEMENTS (table_paths); i++)
    tables->text[i] = sesame_file_read_text (table_paths[i], SOCKET_TABLE_MAX_SIZE, NULL);

  return tables;
}

static void
read_tables_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_task_return_pointer (task, sesame_listen_tables_read (), (GDestroyNotify) sesame_listen_tables_free);
}

void
sesame_listen_tables_read_async (GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sesame_listen_tables_read_async);
  g_task_run_in_thread (task, read_tables_thread);
}

SesameListenTables *
sesame_listen_tables_read_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sesame_listen_tables_check:
 * @tables: the socket tables
 * @protocol: "tcp" or "udp"
 * @port: the port
 *
 * Returns: whether something on this computer listens on @port, or unknown
 *   when the tables could not be read
 */
SesameTristate
sesame_listen_tables_check (const SesameListenTables *tables,
                            const char               *protocol,
                            guint16                   port)
{
  gboolean tcp = g_strcmp0 (protocol, "tcp") == 0;
  gboolean readable = FALSE;

  g_return_val_if_fail (tables != NULL, SESAME_TRISTATE_UNKNOWN);

  for (guint i = tcp ? 0 : 2; i < (tcp ? 2u : 4u); i++)
    {
      if (tables->text[i] == NULL)
        continue;

      readable = TRUE;
      if (sesame_proc_net_has_listener (tables->text[i], port, tcp))
        return SESAME_TRISTATE_YES;
    }

  return readable ? SESAME_TRISTATE_NO : SESAME_TRISTATE_UNKNOWN;
}

/**
 * sesame_listen_check:
 * @protocol: "tcp" or "udp"
 * @port: the port
 *
 * sesame_listen_tables_read() and sesame_listen_tables_check() for one
 * port, blocking.
 *
 * Returns: whether something on this computer listens on @port, or unknown
 *   when the socket tables cannot be read
 */
SesameTristate
sesame_listen_check (const char *protocol,
                     guint16     port)
{
  g_autoptr(SesameListenTables) tables = sesame_listen_tables_read ();

  return sesame_listen_tables_check (tables, protocol, port);
}
