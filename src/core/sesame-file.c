/* sesame-file.c
 *
 * Every file Sesame reads from a path it was given or keeps (plans, probe
 * reports) goes through sesame_file_read(): regular files only, opened
 * without blocking, never more than a cap read. A FIFO, a device or
 * /dev/zero is refused before anything is read.
 *
 * Every file Sesame writes (plans, probe reports, -o) goes through
 * sesame_file_replace(): a temporary beside the target, fsync, rename. It
 * replaces only a regular file or creates a new one, never a device, a FIFO
 * or a symbolic link, and keeps the permissions (and, when it can, the
 * owner) of the file it replaces. Its temporaries have a name no one else
 * uses, ".NAME.sesame-tmp-XXXXXX", and hold a lock while they are written:
 * one that is not locked was left by a writer that died, and the next write
 * to NAME removes it. No other file is ever removed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sesame-file.h"

#define TEMPORARY_MARK ".sesame-tmp-"

G_DEFINE_QUARK (sesame-file-error-quark, sesame_file_error)

static void
set_errno_error (GError **error,
                 int      saved)
{
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
}

static void
set_too_large (GError **error,
               guint64  size,
               gsize    max_size)
{
  g_set_error (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_TOO_LARGE,
               _("the file is too large (%lu KiB; at most %lu KiB)"),
               (gulong) ((size + 1023) / 1024), (gulong) (max_size / 1024));
}

/* The contents and a NUL after them */
static char *
read_regular (const char  *path,
              gsize        max_size,
              gsize       *out_length,
              GError     **error)
{
  g_autofree char *data = NULL;
  GStatBuf st;
  gsize capacity;
  gsize length = 0;
  int fd;

  /* Decided before opening: opening a device may do something */
  if (g_stat (path, &st) != 0)
    {
      set_errno_error (error, errno);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error_literal (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR,
                           _("this is not a regular file"));
      return NULL;
    }

  /* O_NONBLOCK: should the name have become a FIFO since, opening it does not wait */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno);
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      g_set_error_literal (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR,
                           _("this is not a regular file"));
      return NULL;
    }
  if ((guint64) st.st_size > max_size)
    {
      g_close (fd, NULL);
      set_too_large (error, (guint64) st.st_size, max_size);
      return NULL;
    }

  /* One byte more than allowed tells a file that grew past the cap; a
   * file whose size is not known (st_size 0 under /proc) grows the buffer.
   * The allocation has room for a NUL after the last byte read. */
  capacity = MAX ((gsize) st.st_size, 4096);
  capacity = MIN (capacity, max_size) + 1;
  data = g_malloc (capacity + 1);

  for (;;)
    {
      gssize got;

      if (length == capacity)
        {
          if (capacity > max_size)
            {
              g_close (fd, NULL);
              set_too_large (error, length, max_size);
              return NULL;
            }
          capacity = MIN (capacity * 2, max_size + 1);
          data = g_realloc (data, capacity + 1);
        }

      got = read (fd, data + length, capacity - length);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          int saved = errno;

          g_close (fd, NULL);
          set_errno_error (error, saved);
          return NULL;
        }
      if (got == 0)
        break;
      length += (gsize) got;
    }

  g_close (fd, NULL);

  if (length > max_size)
    {
      set_too_large (error, length, max_size);
      return NULL;
    }

  data[length] = '\0';
  *out_length = length;
  return g_steal_pointer (&data);
}

/**
 * sesame_file_read:
 * @path: a file name
 * @max_size: the largest size accepted, in bytes
 * @error: %SESAME_FILE_ERROR for what is not a small regular file,
 *   %G_IO_ERROR (%G_IO_ERROR_NOT_FOUND when there is no file) otherwise
 *
 * Reads a whole regular file of at most @max_size bytes. A symbolic link
 * is followed; what it leads to must be a regular file. Nothing that is not
 * a regular file is opened, and nothing is read past @max_size, even from
 * a file that grows while it is read (or whose size the kernel does not
 * tell, as under /proc).
 *
 * Returns: (transfer full): the contents
 */
GBytes *
sesame_file_read (const char  *path,
                  gsize        max_size,
                  GError     **error)
{
  gsize length = 0;
  char *data;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(data = read_regular (path, max_size, &length, error)))
    return NULL;

  return g_bytes_new_take (data, length);
}

/**
 * sesame_file_read_text:
 * @path: a file name
 * @max_size: the largest size accepted, in bytes
 * @error: as for sesame_file_read()
 *
 * sesame_file_read() for a caller that wants a string: the contents end
 * with a NUL (and may hold others; this is no check that they are text).
 *
 * Returns: (transfer full): the contents
 */
char *
sesame_file_read_text (const char  *path,
                       gsize        max_size,
                       GError     **error)
{
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_regular (path, max_size, &length, error);
}

/**
 * sesame_file_is_temporary:
 * @name: a name in a directory
 * @base: the name of the file written there
 *
 * Returns: whether @name is a temporary of sesame_file_replace() for @base:
 *   ".BASE.sesame-tmp-" and six letters or digits
 */
gboolean
sesame_file_is_temporary (const char *name,
                          const char *base)
{
  gsize base_length;
  const char *rest;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (base != NULL, FALSE);

  base_length = strlen (base);
  if (name[0] != '.' || strncmp (name + 1, base, base_length) != 0)
    return FALSE;

  rest = name + 1 + base_length;
  if (!g_str_has_prefix (rest, TEMPORARY_MARK))
    return FALSE;

  rest += strlen (TEMPORARY_MARK);
  if (strlen (rest) != 6)
    return FALSE;

  for (guint i = 0; i < 6; i++)
    if (!g_ascii_isalnum (rest[i]))
      return FALSE;

  return TRUE;
}

/* Temporaries of a writer that died (kill -9, power cut): a live writer
 * holds a lock on its own, so only the unlocked ones go */
static void
remove_stale_temporaries (const char *dir,
                          const char *base)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *stale = NULL;
      GStatBuf st;
      int fd;

      if (!sesame_file_is_temporary (name, base))
        continue;

      stale = g_build_filename (dir, name, NULL);
      if (g_lstat (stale, &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      fd = g_open (stale, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0);
      if (fd < 0)
        continue;

      if (flock (fd, LOCK_EX | LOCK_NB) == 0)
        {
          g_debug ("Removing %s, left by a save that did not finish", stale);
          g_unlink (stale);
        }
      g_close (fd, NULL);
    }
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           GError     **error)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        {
          set_errno_error (error, errno);
          return FALSE;
        }
      data += written;
      length -= (gsize) written;
    }

  return TRUE;
}

/* A new locked temporary beside the target; it is still ours once locked */
static int
open_temporary (const char  *dir,
                const char  *base,
                guint        mode,
                char       **temporary,
                GError     **error)
{
  g_autofree char *name = g_strconcat (".", base, TEMPORARY_MARK, "XXXXXX", NULL);

  for (guint attempt = 0; attempt < 4; attempt++)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf by_name;
      struct stat by_fd;
      int fd;

      fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, (int) mode);
      if (fd < 0)
        {
          set_errno_error (error, errno);
          return -1;
        }

      if (flock (fd, LOCK_EX) != 0)
        {
          g_unlink (path);
          g_close (fd, NULL);
          continue;
        }

      /* Another writer's clean-up may have taken it in the instant before the lock */
      if (fstat (fd, &by_fd) == 0 && g_lstat (path, &by_name) == 0 &&
          by_name.st_ino == by_fd.st_ino && by_name.st_dev == by_fd.st_dev)
        {
          *temporary = g_steal_pointer (&path);
          return fd;
        }

      g_close (fd, NULL);
    }

  set_errno_error (error, EAGAIN);
  return -1;
}

static void
sync_directory (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      g_close (fd, NULL);
    }
}

/**
 * sesame_file_replace:
 * @path: the file to write
 * @data: (array length=length): the new contents
 * @length: the size of @data
 * @new_mode: the permissions of a new file (the umask applies)
 * @error: %SESAME_FILE_ERROR_SYMLINK or %SESAME_FILE_ERROR_NOT_REGULAR when
 *   @path is something Sesame does not replace, %G_IO_ERROR otherwise
 *
 * Writes @path atomically and durably: an interrupted write, even by
 * SIGKILL, leaves the file as it was. Only a regular file is replaced, and
 * it keeps its permissions and (when allowed, as for root) its owner. A
 * symbolic link, a device, a FIFO, a socket or a directory is refused and
 * left as it is.
 *
 * Returns: %TRUE when @path holds @data
 */
gboolean
sesame_file_replace (const char  *path,
                     const void  *data,
                     gsize        length,
                     guint        new_mode,
                     GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temporary = NULL;
  gboolean exists = FALSE;
  GStatBuf st;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_lstat (path, &st) == 0)
    {
      if (S_ISLNK (st.st_mode))
        {
          g_set_error_literal (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_SYMLINK,
                               _("this is a symbolic link, and Sesame does not write through links: give the name of the file itself"));
          return FALSE;
        }
      if (!S_ISREG (st.st_mode))
        {
          g_set_error_literal (error, SESAME_FILE_ERROR, SESAME_FILE_ERROR_NOT_REGULAR,
                               _("this is not a regular file, so Sesame leaves it as it is"));
          return FALSE;
        }
      exists = TRUE;
    }
  else if (errno != ENOENT)
    {
      set_errno_error (error, errno);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  remove_stale_temporaries (dir, base);

  fd = open_temporary (dir, base, exists ? 0600 : new_mode, &temporary, error);
  if (fd < 0)
    return FALSE;

  if (exists)
    {
      /* The owner first: a change of owner may clear permission bits */
      if (st.st_uid != geteuid () || st.st_gid != getegid ())
        {
          if (fchown (fd, st.st_uid, st.st_gid) != 0)
            g_debug ("Cannot keep the owner of %s: %s", path, g_strerror (errno));
        }
      if (fchmod (fd, st.st_mode & 0777) != 0)
        g_debug ("Cannot keep the permissions of %s: %s", path, g_strerror (errno));
    }

  if (!write_all (fd, data, length, error))
    goto failed;

  if (fsync (fd) != 0)
    {
      set_errno_error (error, errno);
      goto failed;
    }

  /* Renamed while still open and locked: a clean-up by another writer
   * never takes it between the last write and the rename */
  if (g_rename (temporary, path) != 0)
    {
      set_errno_error (error, errno);
      goto failed;
    }

  /* Written and synced already: a late error here loses nothing */
  if (close (fd) != 0)
    g_debug ("Closing %s: %s", path, g_strerror (errno));

  sync_directory (dir);
  return TRUE;

failed:
  g_unlink (temporary);
  if (fd >= 0)
    g_close (fd, NULL);
  return FALSE;
}
